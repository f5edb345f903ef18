"""python measure.py <result.json> <command> [args...]: runs the command and writes its wall time,
the CPU time (user + system) of it and every process it started, and the largest peak RSS among
them, as JSON.

getrusage(RUSAGE_CHILDREN) cannot give the CPU time: Spark's Python worker daemon ignores SIGCHLD,
so the kernel reaps its workers itself and their CPU time is added to no one's children's usage
(a driver's Python parsing would not count at all). So this process samples the CPU time of every
descendant from /proc, every SAMPLE_S seconds, and adds up the last value seen of each (the CPU a
process uses after its last sample, at most SAMPLE_S of it, is missed: the same for every system
measured). It becomes the subreaper of the processes it starts (Linux prctl), so orphans stay its
descendants, and waits for the last of them."""
import ctypes
import json
import os
import resource
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
SAMPLE_S = 0.1
TICKS = os.sysconf("SC_CLK_TCK")


def stat(pid: int):
    """(parent pid, start time, CPU seconds) of a process from /proc/<pid>/stat, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            text = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    fields = text[text.rindex(b")") + 2:].split()
    return int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / TICKS


class CpuSampler:
    """The last CPU time seen of every descendant of this process, by (pid, start time)."""

    def __init__(self) -> None:
        self.seen = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self) -> None:
        procs = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                s = stat(int(name))
                if s is not None:
                    procs[int(name)] = s
        ours = {os.getpid()}
        # Parents before children is not guaranteed by pid order: grow the set until it is stable.
        grew = True
        while grew:
            grew = False
            for pid, (ppid, _, _) in procs.items():
                if ppid in ours and pid not in ours:
                    ours.add(pid)
                    grew = True
        for pid in ours - {os.getpid()}:
            _, start, cpu = procs[pid]
            self.seen[(pid, start)] = cpu

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            time.sleep(SAMPLE_S)

    def total(self) -> float:
        return sum(self.seen.values())


def main(result: str, command: list) -> int:
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    sampler = CpuSampler()
    start = time.monotonic()
    child = subprocess.Popen(command)
    sampler.thread.start()
    status = child.wait()
    wall = time.monotonic() - start
    # Orphaned descendants (Spark's Python workers) are ours now: wait for the last of them.
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    sampler.done.set()
    sampler.thread.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # A process that lived less than a sample is missed by the sampler, but counted by getrusage if reaped.
    cpu = max(sampler.total(), usage.ru_utime + usage.ru_stime)
    with open(result, "w") as f:
        json.dump({"status": status, "wallS": wall, "cpuS": cpu, "peakRssKb": usage.ru_maxrss}, f)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
