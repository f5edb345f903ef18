"""The shared reader corpus (test/corpus/readers.json) through the driver's readers: the same rows and
bad records as the local readers (test/corpus/readers.test.ts holds those to the same file). The
reasons must be the same words, except a JSON syntax error, whose wording comes from each parser:
both must start with "invalid JSON"."""
import base64
import json
import math
import os
import sys
from datetime import date

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
import driver  # noqa: E402

CORPUS = os.path.join(HERE, "..", "..", "..", "test", "corpus", "readers.json")
with open(CORPUS, encoding="utf-8") as f:
    CASES = json.load(f)["cases"]


def canonical(v, t):
    """A value as the driver hands it to Spark -> the corpus's JSON form (mirrors `canonical` in readers.test.ts)."""
    if v is None:
        return None
    kind = t["kind"]
    if kind in ("int64",):
        return str(v)
    if kind == "timestamp":
        return str((v - driver.EPOCH) // driver.timedelta(microseconds=1))
    if kind in ("float32", "float64"):
        if math.isnan(v) or math.isinf(v):
            return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(v)]
        return "-0" if v == 0 and math.copysign(1, v) < 0 else v
    if kind == "decimal":
        return "{:f}".format(v.quantize(driver.Decimal(1).scaleb(-t["scale"]), context=driver.EXACT)) if t["scale"] else "{:f}".format(v)
    if kind == "date":
        return v.isoformat() if isinstance(v, date) else v
    if kind == "binary":
        return base64.b64encode(v).decode("ascii")
    if kind == "struct":
        return {f["name"]: canonical(x, f["type"]) for f, x in zip(t["fields"], v)}
    if kind == "array":
        return [canonical(x, t["element"]) for x in v]
    if kind == "map":
        return [[k, canonical(x, t["value"])] for k, x in v.items()]
    return v


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
    assert rows == case["expect"]["rows"]
    assert [line for line, _ in bad] == [line for line, _ in case["expect"]["bad"]]
    for (line, got), (_, want) in zip(bad, case["expect"]["bad"]):
        assert got == want or (got.startswith("invalid JSON") and want.startswith("invalid JSON")), "line %d" % line
