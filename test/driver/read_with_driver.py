"""Reads one input file with the Spark driver's readers (no Spark needed) and prints, per record,
its line and its values in the JSON form the test compares with the local engine's (canonical.py).

    python3 read_with_driver.py <jsonl|csv> <file> <fields.json> [csv options.json]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "spark"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "spark", "tests"))
import driver  # noqa: E402
from canonical import canonical  # noqa: E402


def main():
    fmt, path, fields_file = sys.argv[1:4]
    with open(fields_file) as f:
        fields = json.load(f)
    with open(path, "rb") as f:
        data = f.read()
    if fmt == "jsonl":
        records = driver.json_lines_file("in", path, data, fields)
    else:
        with open(sys.argv[4]) as f:
            records = driver.csv_file("in", path, data, fields, json.load(f))
    out = []
    for tag, value in records:
        if tag == 1:
            out.append({"bad": value["line"], "reason": value["reason"]})
        else:
            out.append({"row": [canonical(v, f["type"]) for f, v in zip(fields, value)]})
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
