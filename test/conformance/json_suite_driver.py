"""The JSONTestSuite documents through the Spark driver's JSON-lines reader (deploy/spark/driver.py),
in the two ways test/conformance/json-suite.ts reads them with the local reader:

- record:  the document's bytes as a JSON-lines file, read with the schema {v: string};
- wrapped: the line {"v":<document>} (documents without line breaks only), same schema.

    python json_suite_driver.py DIR   ->  {"<file> <mode>": {"rows": [...], "bad": [[line, reason], ...]}, ...}
Needs no Spark: only the driver's pure readers.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "spark"))
import driver  # noqa: E402

FIELDS = [{"name": "v", "type": {"kind": "string"}, "nullable": True}]


def wrapped(doc):
    body = doc.rstrip(b"\r\n")
    if b"\n" in body:
        return None
    return b'{"v":' + body + b"}"


def read(name, data):
    rows, bad = [], []
    for tag, value in driver.json_lines_file("in", name, data, FIELDS):
        if tag == 1:
            bad.append([value["line"], value["reason"]])
        else:
            rows.append(list(value))
    return {"rows": rows, "bad": bad}


def main():
    folder = sys.argv[1]
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            doc = f.read()
        out[name + " record"] = read(name, doc)
        w = wrapped(doc)
        if w is not None:
            out[name + " wrapped"] = read(name, w)
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
