"""The shared reader corpus (test/corpus/readers.json) through the driver's readers: the same rows and
bad records as the local readers (test/corpus/readers.test.ts holds those to the same file). The
reasons must be the same words, except a JSON syntax error, whose wording comes from each parser:
both must start with "invalid JSON"."""
import base64
import json
import os
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
import driver  # noqa: E402
from canonical import canonical  # noqa: E402

CORPUS = os.path.join(HERE, "..", "..", "..", "test", "corpus", "readers.json")
with open(CORPUS, encoding="utf-8") as f:
    CASES = json.load(f)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_driver_reads_the_corpus_like_the_local_reader(case):
    data = base64.b64decode(case["bytes"])
    fields = case["fields"]
    if case["format"] == "jsonl":
        records = list(driver.json_lines_file("in", "corpus", data, fields))
    else:
        records = list(driver.csv_file("in", "corpus", data, fields, case.get("csv") or {}))
    rows = [[canonical(v, f["type"]) for f, v in zip(fields, value)] for tag, value in records if tag == 0]
    bad = [[value["line"], value["reason"]] for tag, value in records if tag == 1]
    nulls = {}
    for tag, column in records:
        if tag == 2:
            nulls[column] = nulls.get(column, 0) + 1
    assert rows == case["expect"]["rows"]
    assert nulls == case["expect"].get("lenientNulls", {})
    assert [line for line, _ in bad] == [line for line, _ in case["expect"]["bad"]]
    for (line, got), (_, want) in zip(bad, case["expect"]["bad"]):
        assert got == want or (got.startswith("invalid JSON") and want.startswith("invalid JSON")), "line %d" % line
