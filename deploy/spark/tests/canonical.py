"""The JSON form in which reader tests compare a value the driver read with the local engine's
(test/corpus/canonical.ts is the local side)."""
import base64
import math
from datetime import date, timedelta

import driver


def canonical(v, t):
    """A value as the driver hands it to Spark -> the corpus's JSON form (mirrors test/corpus/canonical.ts)."""
    if v is None:
        return None
    kind = t["kind"]
    if kind in ("int64", "timestamp"):  # a timestamp is Spark's internal one, microseconds since the epoch
        return str(v)
    if kind in ("float32", "float64"):
        if math.isnan(v) or math.isinf(v):
            return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(v)]
        return "-0" if v == 0 and math.copysign(1, v) < 0 else v
    if kind == "decimal":
        return "{:f}".format(v.quantize(driver.Decimal(1).scaleb(-t["scale"]), context=driver.EXACT)) if t["scale"] else "{:f}".format(v)
    if kind == "date":  # Spark's internal date, days since the epoch
        return (date(1970, 1, 1) + timedelta(days=v)).isoformat()
    if kind == "binary":
        return base64.b64encode(v).decode("ascii")
    if kind == "struct":
        return {f["name"]: canonical(x, f["type"]) for f, x in zip(t["fields"], v)}
    if kind == "array":
        return [canonical(x, t["element"]) for x in v]
    if kind == "map":
        return [[k, canonical(x, t["value"])] for k, x in v]  # entries, in the file's order
    return v
