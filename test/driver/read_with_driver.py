"""Reads one input file with the Spark driver's readers (no Spark needed) and prints, per record,
its line and its values normalised to JSON the test compares with the local engine's.

    python3 read_with_driver.py <jsonl|csv> <file> <fields.json> [csv options.json]
"""
import json
import os
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "spark"))
import driver  # noqa: E402


def normal(value, t):
    if value is None:
        return None
    kind = t["kind"]
    if kind in ("float32", "float64") and value != value or value in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(value)]
    if kind == "int64":
        return str(value)
    if kind == "decimal":
        return str(int(value.scaleb(t["scale"])))
    if kind == "date":
        return (value - date(1970, 1, 1)).days
    if kind == "timestamp":
        return str((value - driver.EPOCH) // timedelta(microseconds=1))
    if kind == "struct":
        return {f["name"]: normal(v, f["type"]) for f, v in zip(t["fields"], value)}
    if kind == "array":
        return [normal(v, t["element"]) for v in value]
    if kind == "map":
        return [[k, normal(v, t["value"])] for k, v in value.items()]
    return value


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
            out.append({"row": [normal(v, f["type"]) for f, v in zip(fields, value)]})
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
