"""python measure.py <result.json> <command> [args...]: runs the command and writes its wall time,
the CPU time (user + system) of it and every process it started, and the largest peak RSS among
them, as JSON. Spark's Python workers outlive their parent (the worker daemon is killed, not
waited for), so this process becomes their subreaper (Linux prctl) and reaps every descendant:
getrusage(RUSAGE_CHILDREN) then counts them all."""
import ctypes
import json
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def main(result: str, command: list) -> int:
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    start = time.monotonic()
    status = subprocess.call(command)
    wall = time.monotonic() - start
    # Orphaned descendants (Spark's Python workers) are ours now: wait for the last of them.
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result, "w") as f:
        json.dump({"status": status, "wallS": wall, "cpuS": usage.ru_utime + usage.ru_stime, "peakRssKb": usage.ru_maxrss}, f)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
