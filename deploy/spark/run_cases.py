"""Runs the driver on several plans in one Spark session, for `etl test --spark`.

usage: spark-submit --py-files driver.py run_cases.py CASES.json  (executors import the driver module)

CASES.json is a list of driver argument lists (plan path, params, local options); each runs
through driver.main in this process, so Spark starts once. After each case one line
`CASE_RESULT {"index": i, "exit": code, "ms": milliseconds}` is printed (the case's own time,
which `etl test --spark` reports for it); the driver's summary goes to the case's --result-uri
as usual.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import driver  # noqa: E402  (found next to this file)


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    for index, argv in enumerate(cases):
        started = time.monotonic()
        try:
            code = driver.main(argv)
        except Exception as e:  # one broken case must not hide the others' results
            sys.stderr.write("case %d: %s: %s\n" % (index, type(e).__name__, e))
            code = 70
        ms = round((time.monotonic() - started) * 1000)
        print("CASE_RESULT " + json.dumps({"index": index, "exit": code, "ms": ms}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
