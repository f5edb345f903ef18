"""lakeform's Spark driver: runs any compiled job plan (plan.json, see PLAN_FORMAT.md) on Spark.

    spark-submit [--conf k=v ...] driver.py PLAN_URI [param=value ...] [options]

It is generic: everything job-specific is in the plan. It loads each input as a temporary view,
runs the job's Spark SQL, runs the data checks, writes Parquet (dynamic partition overwrite for
`overwrite-partitions`) and prints one summary line, `ETL_RESULT {...}`, on stdout.

JSON lines and CSV inputs are parsed here, in Python, by the same rules as the local engine's
readers (framework/io/): Spark's own readers disagree with them in ways that change results
(a top-level array becomes rows, `{..}{..}` on one line keeps the first record, a timestamp
without a zone is read in the session time zone, a missing required field is not an error).
What passed offline therefore passes here, and what was quarantined offline is quarantined here.

Exit codes: 0 succeeded; 1 a data check with severity 'error' failed (nothing written);
2 bad arguments or plan; 3 bad input (an unreadable file, or a bad record under 'failfast').

The file must run on the Python of EMR 7 (3.9): no `match`, no runtime `X | Y` types.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import sys
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Context, Decimal
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

PLAN_FORMAT_VERSION = 2
RESULT_MARKER = "ETL_RESULT "
BAD_RECORD_MARKER = "ETL_BAD_RECORD:"
RAW_LIMIT = 4096


class DriverError(Exception):
    """An error the user can act on: what happened, and how to fix it."""

    exit_code = 2
    phase = "plan"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(DriverError):
    exit_code = 3
    phase = "input"


class CheckFailed(DriverError):
    exit_code = 1
    phase = "checks"


class OutsideSlice(DriverError):
    """Output rows of a partition the run does not own, with the slice's `outside: 'fail'`."""

    exit_code = 1
    phase = "execution"


# ---------------------------------------------------------------- arguments


@dataclass
class Options:
    plan_uri: str
    params: Dict[str, str] = field(default_factory=dict)
    # Local runs (tests, debugging) replace S3 locations with local paths.
    inputs: Dict[str, str] = field(default_factory=dict)
    tables: Dict[str, str] = field(default_factory=dict)
    output_location: Optional[str] = None
    quarantine_location: Optional[str] = None
    state_location: Optional[str] = None
    result_uri: Optional[str] = None
    # Process only the input objects the table's ledger does not list, merging their rows in.
    incremental: bool = False
    # Register the partitions written (and drop those removed) in the metastore (the Glue Data
    # Catalog on EMR, Glue and EMR Serverless): what `etl submit --wait` does when nobody waits.
    register_partitions: bool = False


USAGE = """usage: driver.py PLAN_URI [param=value ...] [options]

Runs a lakeform plan (written by `etl plan --out` or uploaded by `etl deploy`) on Spark.

options:
  --input NAME=PATH             read input NAME (jsonl, csv, parquet) from PATH instead of its planned location
  --table DB.TABLE=PATH         read catalog table DB.TABLE as Parquet files under PATH (no metastore needed)
  --output-location PATH        write the table under PATH instead of its planned location
  --quarantine-location PATH    write bad records under PATH instead of the planned quarantine
  --state-location PATH         keep the table's slice records and ledger under PATH instead of the planned one
  --result-uri URI              also write the ETL_RESULT summary as JSON to URI
  --incremental                 read only the objects the ledger does not list yet; merge their rows into
                                the partitions they belong to (jobs whose plan has an `incremental` section)
  --register-partitions         add the partitions written to the table in the metastore, drop those removed
"""


# The arguments lakeform's Glue job runs pass (framework/compile/glue-job.ts); Glue adds its own
# (--JOB_NAME, --JOB_ID, --JOB_RUN_ID, --job-bookmark-option, --TempDir, --enable-glue-datacatalog, ...).
GLUE_ARGUMENTS = ("--plan-uri", "--result-uri", "--etl-params", "--etl-run", "--register-partitions")


def parse_glue_args(argv: List[str]) -> Options:
    """Arguments as a Glue job run passes them: `--key value` pairs, ours among Glue's, which are ignored."""
    values: Dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--"):
            i += 1
            continue
        name, eq, inline = arg.partition("=")
        if eq:
            values[name] = inline
            i += 1
        elif i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            values[name] = argv[i + 1]
            i += 2
        else:
            values[name] = "true"
            i += 1
    opts = Options(plan_uri=values["--plan-uri"])
    opts.result_uri = values.get("--result-uri")
    opts.register_partitions = values.get("--register-partitions", "false") == "true"
    try:
        params = json.loads(values.get("--etl-params", "{}"))
    except ValueError as e:
        raise DriverError("--etl-params is not a JSON object: %s" % e, "the Glue job run's arguments are written by `etl submit`; submit again")
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        raise DriverError("--etl-params must be a JSON object of strings", "the Glue job run's arguments are written by `etl submit`; submit again")
    opts.params = dict(params)
    return opts


def parse_args(argv: List[str]) -> Options:
    """argv without the program name. Raises DriverError with the usage on any mistake."""
    if "--plan-uri" in argv or any(a.startswith("--plan-uri=") for a in argv):
        return parse_glue_args(argv)
    if not argv or argv[0] in ("-h", "--help"):
        raise DriverError("a plan URI is required", USAGE)
    opts = Options(plan_uri=argv[0])
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg in ("--incremental", "--register-partitions"):
            setattr(opts, arg[2:].replace("-", "_"), True)
            i += 1
            continue
        if arg.startswith("--"):
            name, eq, inline = arg[2:].partition("=")
            if name not in ("input", "table", "output-location", "quarantine-location", "state-location", "result-uri"):
                raise DriverError("unknown option --%s" % name, USAGE)
            if eq:
                value = inline
            else:
                if i + 1 >= len(argv):
                    raise DriverError("--%s needs a value" % name, USAGE)
                i += 1
                value = argv[i]
            if name in ("input", "table"):
                key, sep, path = value.partition("=")
                if not sep or not key or not path:
                    raise DriverError("--%s expects NAME=PATH, got %r" % (name, value), USAGE)
                (opts.inputs if name == "input" else opts.tables)[key] = path
            elif name == "output-location":
                opts.output_location = value
            elif name == "quarantine-location":
                opts.quarantine_location = value
            elif name == "state-location":
                opts.state_location = value
            else:
                opts.result_uri = value
        else:
            key, sep, value = arg.partition("=")
            if not sep or not key:
                raise DriverError("expected a job parameter as name=value, got %r" % arg, USAGE)
            opts.params[key] = value
        i += 1
    return opts


# ---------------------------------------------------------------- plan

REQUIRED_PLAN_KEYS = ("formatVersion", "job", "params", "sessionConf", "inputs", "sql", "output", "checks", "quarantine", "state")


def load_plan(text: str, source: str) -> Dict[str, Any]:
    """Parses and checks a plan; `source` names it in messages."""
    try:
        plan = json.loads(text)
    except ValueError as e:
        raise DriverError("%s is not valid JSON: %s" % (source, e), "upload the plan.json written by `etl plan --out` unchanged")
    if not isinstance(plan, dict):
        raise DriverError("%s is not a lakeform plan (expected a JSON object)" % source)
    version = plan.get("formatVersion")
    if version != PLAN_FORMAT_VERSION:
        raise DriverError(
            "%s has plan format %r; this driver reads format %d" % (source, version, PLAN_FORMAT_VERSION),
            "deploy the driver.py written alongside the plan by the same lakeform version",
        )
    missing = [k for k in REQUIRED_PLAN_KEYS if k not in plan]
    if missing:
        raise DriverError("%s lacks %s" % (source, ", ".join(missing)), "recompile it with `etl plan --out`")
    return plan


def plan_hash(text: str) -> str:
    """The plan hash `etl plan` reports: sha256 of the plan's JSON without the final newline."""
    return hashlib.sha256(text.rstrip("\n").encode("utf-8")).hexdigest()


def check_integrity(uri: str, text: str) -> str:
    """Artifacts live under .../artifacts/<planHash>/: a plan edited after compiling is refused."""
    digest = plan_hash(text)
    folder = re.search(r"/artifacts/([0-9a-f]{64})/[^/]*$", uri)
    if folder and folder.group(1) != digest:
        raise DriverError(
            "%s does not match its plan hash (content hash %s…, folder %s…): it was changed after `etl plan`" % (uri, digest[:12], folder.group(1)[:12]),
            "redeploy the job with `etl deploy` instead of editing uploaded artifacts",
        )
    return digest


# ---------------------------------------------------------------- slices given at run time
# A plan compiled without its slice's parameters carries a `slicing` section; given them, the
# driver makes the plan `etl plan --param dt=...` would have compiled (framework/compile/compile-job.ts,
# framework/dsl/template.ts: the same rendering; test/driver/specialize.test.ts holds them equal).

DAY_MS = 86_400_000
TEMPLATE_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}")
UNITS = ("hour", "day", "month", "year")


def unit_of(pattern: Optional[str]) -> str:
    if pattern is None:
        return "day"
    if "HH" in pattern:
        return "hour"
    if "dd" in pattern:
        return "day"
    return "month" if "MM" in pattern else "year"


def floor_to(unit: str, t: datetime) -> datetime:
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return t.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return t.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def next_unit(unit: str, t: datetime) -> datetime:
    if unit == "hour":
        return t + timedelta(hours=1)
    if unit == "day":
        return t + timedelta(days=1)
    if unit == "month":
        return t.replace(year=t.year + 1, month=1) if t.month == 12 else t.replace(month=t.month + 1)
    return t.replace(year=t.year + 1)


def format_pattern(pattern: str, t: datetime) -> str:
    fields = {"yyyy": "%04d" % t.year, "MM": "%02d" % t.month, "dd": "%02d" % t.day, "HH": "%02d" % t.hour}
    return re.sub(r"yyyy|MM|dd|HH", lambda m: fields[m.group(0)], pattern)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def render_window(template: str, param: str, start_ms: int, end_ms: int) -> List[str]:
    """The locations a template names over a window of its date parameter, in time order, one
    per unit of the finest letter of the parameter's placeholders (framework/dsl/template.ts)."""
    uses = [m.group(2) for m in TEMPLATE_PLACEHOLDER.finditer(template) if m.group(1) == param]
    unit = next(u for u in UNITS if any(unit_of(p) == u for p in uses))
    out: List[str] = []
    t = floor_to(unit, from_ms(start_ms))
    end = from_ms(end_ms)
    while t < end:
        rendered = TEMPLATE_PLACEHOLDER.sub(lambda m: format_pattern(m.group(2) or "yyyy-MM-dd", t) if m.group(1) == param else m.group(0), template)
        if not out or out[-1] != rendered:
            out.append(rendered)
        t = next_unit(unit, t)
    return out


def partition_days(start_ms: int, end_ms: int) -> Tuple[str, str]:
    """The date partitions [from, to) whose day overlaps the span (framework/slices/slice.ts)."""
    floor = (start_ms // DAY_MS) * DAY_MS
    ceil = -((-end_ms) // DAY_MS) * DAY_MS
    return from_ms(floor).strftime("%Y-%m-%d"), from_ms(ceil).strftime("%Y-%m-%d")


def spark_string(value: str) -> str:
    """A Spark SQL string literal, as the compiler writes one (framework/compile/sql/dialect.ts)."""
    return "'%s'" % value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r").replace("${", "$\\{")


def specialize(plan: Dict[str, Any], given: Dict[str, str]) -> Dict[str, Any]:
    """The plan of the slice the given parameters name, from a plan compiled without them; a
    plan without a slicing section, or parameters without the slice's, are returned as they are."""
    slicing = plan.get("slicing")
    if not slicing or not any(p in given for p in slicing["params"]):
        return plan
    missing = [p for p in slicing["params"] if p not in given]
    if missing:
        raise DriverError("the plan is sliced by %s: give all of them or none (missing %s)" % (", ".join(slicing["params"]), ", ".join(missing)), "pass every slice parameter as name=value")
    values = {p: given[p] for p in slicing["params"]}
    out = json.loads(json.dumps(plan))
    del out["slicing"]
    out["params"] = dict(plan["params"], **values)
    time_param = slicing.get("time")
    if time_param is not None:
        day = values[time_param]
        try:
            start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise DriverError("%s=%s is not a date" % (time_param, day), "give the day as yyyy-MM-dd")
        start_ms = int((start - EPOCH).total_seconds() * 1000)
        inputs = {i["name"]: i for i in out["inputs"]}
        for f in slicing["files"]:
            spec = inputs[f["input"]]
            spec["locations"] = render_window(f["template"], time_param, start_ms - f["beforeMs"], start_ms + DAY_MS + f["afterMs"])
            spec["windowed"] = True
        for t in slicing["tables"]:
            frm, to = partition_days(start_ms - t["beforeMs"], start_ms + DAY_MS + t["afterMs"])
            inputs[t["input"]]["partitionRange"] = {"column": t["column"], "from": frm, "to": to}
    out["output"]["slice"] = {
        "key": "/".join("%s=%s" % (escape_partition_value(c), escape_partition_value(values[c])) for c in slicing["params"]),
        "values": values,
        "outside": slicing["outside"],
        "predicate": " AND ".join("CAST(%s AS STRING) = %s" % (quote_identifier(c), spark_string(values[c])) for c in slicing["params"]),
    }
    return out


def check_params(plan: Dict[str, Any], given: Dict[str, str]) -> None:
    """The plan was compiled for certain parameter values; the step's must be the same."""
    planned = plan["params"]
    if given != planned:
        def show(p: Dict[str, str]) -> str:
            return ", ".join("%s=%s" % (k, p[k]) for k in sorted(p)) or "(none)"
        raise DriverError(
            "the plan was compiled for %s but the step passes %s" % (show(planned), show(given)),
            "compile a plan for these parameters (`etl plan %s --param ...`) and submit that" % plan["job"],
        )


# ---------------------------------------------------------------- values (mirrors framework/io/values.ts)

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


class Problem:
    """Why a value does not fit its column (a falsy-safe marker: values may be 0 or ''); for a nested
    value, where inside the column: ['os'] or [2], shown as the local reader shows it (device.os, tags[2])."""

    __slots__ = ("reason", "path")

    def __init__(self, reason: str, path: Tuple[Any, ...] = ()) -> None:
        self.reason = reason
        self.path = path

    def within(self, part: Any) -> "Problem":
        return Problem(self.reason, (part,) + self.path)

    def of_field(self, name: str) -> "Problem":
        """The reason for a whole record: `column.path: reason`."""
        where = name + "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in self.path)
        return Problem("%s: %s" % (where, self.reason))


def quote(s: str) -> str:
    return json.dumps(s[:60] + "…" if len(s) > 60 else s, ensure_ascii=False)


def days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


def check_date(y: int, m: int, d: int) -> Optional[str]:
    if m < 1 or m > 12:
        return "month %d does not exist" % m
    if d < 1 or d > days_in_month(y, m):
        return "%s %d has no day %d" % (MONTHS[m - 1], y, d)
    return None


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (any year, unlike datetime)."""
    y -= 1 if m <= 2 else 0
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TS_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$")
# Python's datetime spans years 1-9999; the local engine also accepts year 0.
OUT_OF_RANGE = "is outside the years 0001-9999 that the Spark driver can represent"


def parse_date(s: str) -> Any:
    """yyyy-MM-dd -> Spark's internal date: days since 1970-01-01, or a Problem."""
    m = DATE_RE.match(s)
    if not m:
        return Problem("%s is not a date (expected yyyy-MM-dd)" % quote(s))
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    bad = check_date(y, mo, d)
    if bad:
        return Problem("%s is not a valid date: %s" % (quote(s), bad))
    if y < 1:
        return Problem("%s %s" % (quote(s), OUT_OF_RANGE))
    return days_from_civil(y, mo, d)


DAY_MICROS = 86_400_000_000
# The instants Python's datetime (what PySpark hands out) can hold, in microseconds since the epoch.
MIN_MICROS = days_from_civil(1, 1, 1) * DAY_MICROS
MAX_MICROS = days_from_civil(10000, 1, 1) * DAY_MICROS - 1


def parse_timestamp(s: str) -> Any:
    """ISO-8601 text -> Spark's internal timestamp: UTC microseconds since the epoch (digits past
    the microsecond truncated), or a Problem."""
    m = TS_RE.match(s)
    if not m:
        if DATE_RE.match(s):
            return Problem("%s is a date without a time of day (expected an ISO-8601 timestamp such as 2026-11-01T10:00:00Z)" % quote(s))
        if re.search(r"\.\d{10,}", s):
            return Problem("%s has more than 9 fractional digits" % quote(s))
        return Problem("%s is not an ISO-8601 timestamp (expected e.g. 2026-11-01T10:00:00Z, 2026-11-01 10:00:00.123456+02:00)" % quote(s))
    year, month, day, hour, minute, second, frac_text, _, sign, offset_h, offset_m = m.groups()
    y, mo, d, h, mi = int(year), int(month), int(day), int(hour), int(minute)
    sec = int(second) if second is not None else 0
    bad = check_date(y, mo, d)
    if not bad and h > 23:
        bad = "hour %d is out of range 0-23%s" % (h, " (write 00:00 of the next day)" if h == 24 else "")
    if not bad and mi > 59:
        bad = "minute %d is out of range 0-59" % mi
    if not bad and sec > 59:
        bad = "second %d is out of range 0-59%s" % (sec, " (leap seconds are not representable)" if sec == 60 else "")
    if bad:
        return Problem("%s is not a valid timestamp: %s" % (quote(s), bad))
    offset = 0
    if sign is not None:
        oh = int(offset_h)
        om = int(offset_m) if offset_m is not None else 0
        if oh > 18 or om > 59 or (oh == 18 and om > 0):
            return Problem("%s is not a valid timestamp: offset %s%s:%s is beyond ±18:00" % (quote(s), sign, offset_h, offset_m or "00"))
        offset = (-1 if sign == "-" else 1) * (oh * 3600 + om * 60)
    frac = int(frac_text[:6].ljust(6, "0")) if frac_text else 0
    micros = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset) * 1_000_000 + frac
    if micros < MIN_MICROS or micros > MAX_MICROS:
        return Problem("%s %s" % (quote(s), OUT_OF_RANGE))
    return micros


INT_RE = re.compile(r"^[-+]?\d+$")
FRACTIONAL_RE = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$")
INT32 = (-(2 ** 31), 2 ** 31 - 1)
INT64 = (-(2 ** 63), 2 ** 63 - 1)


def not_integer(text: str, want: str) -> Problem:
    t = text.strip()
    if t != text and INT_RE.match(t):
        return Problem("expected %s, got %s (spaces around the digits)" % (want, quote(text)))
    if FRACTIONAL_RE.match(t):
        return Problem("expected %s, got a fractional number %s" % (want, text))
    return Problem("expected %s, got %s" % (want, quote(text)))


def parse_int(text: str, bits: int) -> Any:
    want, (lo, hi) = ("int", INT32) if bits == 32 else ("bigint", INT64)
    if not INT_RE.match(text):
        return not_integer(text, want)
    v = int(text)
    if v < lo or v > hi:
        return Problem("%s is out of the %s range (%d..%d)" % (text, want, lo, hi))
    return v


FLOAT_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
SPECIAL_FLOATS = {"NaN": float("nan"), "Inf": float("inf"), "Infinity": float("inf"), "+Inf": float("inf"), "+Infinity": float("inf"), "-Inf": float("-inf"), "-Infinity": float("-inf")}


def parse_float(text: str, want: str = "double") -> Any:
    """CSV text -> float; also NaN and the infinities, as Spark's CSV reader."""
    if FLOAT_RE.match(text):
        return float(text)
    if text in SPECIAL_FLOATS:
        return SPECIAL_FLOATS[text]
    return Problem("expected %s, got %s" % (want, quote(text)))


EXACT = Context(prec=80)
DECIMAL_RE = re.compile(r"^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$")


def parse_decimal(text: str, precision: int, scale: int) -> Any:
    """Exact decimal text -> Decimal rounded HALF_UP to `scale`, or a Problem when it has more than `precision` digits."""
    m = DECIMAL_RE.match(text)
    name = "decimal(%d,%d)" % (precision, scale)
    if not m or (m.group(2) == "" and (m.group(3) or "") == ""):
        return Problem("expected %s, got %s" % (name, quote(text)))
    fraction = m.group(3) or ""
    digits = (m.group(2) + fraction).lstrip("0") or "0"
    exp = int(m.group(4)) if m.group(4) is not None else 0
    shift = exp - len(fraction) + scale
    if shift >= 0:
        if digits != "0" and len(digits) + shift > precision:
            return Problem("%s does not fit %s" % (text, name))
        unscaled = int(digits) * 10 ** shift
    else:
        drop = -shift
        if drop > len(digits):
            digits = digits.rjust(drop, "0")
        kept = digits[: len(digits) - drop] or "0"
        unscaled = int(kept) + (1 if digits[len(digits) - drop] >= "5" else 0)
    if unscaled >= 10 ** precision:
        return Problem("%s does not fit %s" % (text, name))
    # Exact at any precision: Decimal's default context rounds to 28 digits, and decimal(38) needs 38.
    return Decimal(-unscaled if m.group(1) == "-" else unscaled).scaleb(-scale, context=EXACT)


BASE64_RE = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def parse_base64(text: str) -> Any:
    """Base64 text (standard alphabet, padded) -> bytes, or a Problem (mirrors parseBase64)."""
    if not BASE64_RE.match(text):
        return Problem("expected binary as base64 text, got %s" % quote(text))
    return base64.b64decode(text)


def parse_bool(text: str, any_case: bool) -> Any:
    t = text.lower() if any_case else text
    if t == "true":
        return True
    if t == "false":
        return False
    return Problem("expected boolean (true or false), got %s" % quote(text))


def enum_reason(s: str, values: List[str]) -> str:
    return "%s is not one of %s" % (quote(s), ", ".join(values))


def type_name(t: Dict[str, Any]) -> str:
    """A data type as Hive/Spark writes it, for messages (mirrors typeToString)."""
    kind = t["kind"]
    simple = {"string": "string", "binary": "binary", "boolean": "boolean", "int32": "int", "int64": "bigint", "float32": "float", "float64": "double", "date": "date", "timestamp": "timestamp", "null": "void"}
    if kind in simple:
        return simple[kind]
    if kind == "decimal":
        return "decimal(%d,%d)" % (t["precision"], t["scale"])
    if kind == "array":
        return "array<%s>" % type_name(t["element"])
    if kind == "map":
        return "map<%s,%s>" % (type_name(t["key"]), type_name(t["value"]))
    return "struct<%s>" % ",".join("%s:%s" % (f["name"], type_name(f["type"])) for f in t["fields"])


# ---------------------------------------------------------------- JSON values (mirrors framework/io/jsonl.ts)


class JsonNumber:
    """A JSON number kept as its source text, so bigints and decimals stay exact."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _reject_constant(name: str) -> Any:
    raise ValueError("%s is not valid JSON (write null, or a number)" % name)


class JsonObject(dict):
    """A JSON object: the last of duplicate keys wins (at the first one's position, as in JavaScript),
    but the earlier values are kept, because each must still fit the schema (as in Spark and locally)."""

    __slots__ = ("earlier",)


def _json_object(pairs: List[Tuple[str, Any]]) -> JsonObject:
    obj = JsonObject(pairs)
    obj.earlier = ()
    if len(obj) != len(pairs):
        latest: Dict[str, Any] = {}
        earlier = []
        for k, v in pairs:
            if k in latest:
                earlier.append((k, latest[k]))
            latest[k] = v
        obj.earlier = tuple(earlier)
    return obj


def json_decoder() -> json.JSONDecoder:
    """Strict JSON with numbers kept as text."""
    return json.JSONDecoder(object_pairs_hook=_json_object, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=_reject_constant, strict=True)


_ARRAY_INDEX = re.compile(r"^(0|[1-9]\d{0,9})$")


def js_key_order(keys: Iterable[str]) -> List[str]:
    """The order JavaScript gives an object's keys: integer-like keys ascending first, then the rest as written.
    The local engine keeps JSON objects (maps, and non-string values read into strings) in that order."""
    keys = list(keys)
    index = [k for k in keys if _ARRAY_INDEX.match(k) and int(k) < 2 ** 32 - 1]
    if not index:
        return keys
    taken = set(index)
    return sorted(index, key=int) + [k for k in keys if k not in taken]


def json_text(v: Any) -> str:
    """Compact JSON text of a parsed value, numbers as written (what a string column holds for a non-string value)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, JsonNumber):
        return v.text
    if isinstance(v, list):
        return "[" + ",".join(json_text(x) for x in v) + "]"
    return "{" + ",".join("%s:%s" % (json.dumps(k, ensure_ascii=False), json_text(v[k])) for k in js_key_order(v)) + "}"


def describe_json(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, JsonNumber):
        return "number %s" % v.text
    if isinstance(v, str):
        return "string %s" % quote(v)
    if isinstance(v, bool):
        return "boolean %s" % ("true" if v else "false")
    return "an array" if isinstance(v, list) else "an object"


# Readers compiled per schema: the decisions that depend only on a column's type (its kind, enum
# values, nullability, leniency) are taken once, into closures, instead of for every value. The
# driver parses every record of every file in Python, so this is what a record costs.

MISSING = object()


def value_reader(t: Dict[str, Any], enum_values: Optional[List[str]] = None) -> Any:
    """fn(v, nulled): a non-null parsed JSON value -> Spark's internal value for type `t` (see
    internal_frame), or a Problem. `nulled` collects the paths (relative to the value) of lenient
    struct fields read as null, or is None when nobody asks."""
    kind = t["kind"]
    want = type_name(t)

    def mismatch(v: Any) -> Problem:
        return Problem("expected %s, got %s" % (want, describe_json(v)))

    if kind == "string":
        if enum_values is None:
            return lambda v, nulled: v if isinstance(v, str) else json_text(v)
        allowed = frozenset(enum_values)

        def read_enum(v: Any, nulled: Optional[List[str]]) -> Any:
            s = v if isinstance(v, str) else json_text(v)
            return s if s in allowed else Problem(enum_reason(s, enum_values))

        return read_enum
    if kind in ("int32", "int64"):
        bits = 32 if kind == "int32" else 64
        return lambda v, nulled: parse_int(v.text, bits) if isinstance(v, JsonNumber) else mismatch(v)
    if kind in ("float32", "float64"):
        return lambda v, nulled: float(v.text) if isinstance(v, JsonNumber) else mismatch(v)
    if kind == "boolean":
        return lambda v, nulled: v if isinstance(v, bool) else mismatch(v)
    if kind == "decimal":
        precision, scale = t["precision"], t["scale"]

        def read_decimal(v: Any, nulled: Optional[List[str]]) -> Any:
            if isinstance(v, (JsonNumber, str)):
                return parse_decimal(v if isinstance(v, str) else v.text, precision, scale)
            return mismatch(v)

        return read_decimal
    text_kinds = {"date": parse_date, "timestamp": parse_timestamp, "binary": parse_base64}
    if kind in text_kinds:
        parse = text_kinds[kind]
        return lambda v, nulled: parse(v) if isinstance(v, str) else mismatch(v)
    if kind == "struct":
        fields = [(f["name"], field_reader(f)) for f in t["fields"]]

        def read_struct(v: Any, nulled: Optional[List[str]]) -> Any:
            if not isinstance(v, dict):
                return mismatch(v)
            out = []
            for name, read in fields:
                r = read(v, nulled)
                if isinstance(r, Problem):
                    return r.within(name)
                out.append(r)
            return tuple(out)

        return read_struct
    if kind == "array":
        element = nested_reader({"name": "", "type": t["element"], "nullable": t["containsNull"]})

        def read_array(v: Any, nulled: Optional[List[str]]) -> Any:
            if not isinstance(v, list):
                return mismatch(v)
            items = []
            for i, x in enumerate(v):
                r = element(x, None)
                if isinstance(r, Problem):
                    return r.within(i)
                items.append(r)
            return items

        return read_array
    if kind == "map":
        string_keys = t["key"]["kind"] == "string"
        value = nested_reader({"name": "", "type": t["value"], "nullable": t["valueContainsNull"]})

        def read_map(v: Any, nulled: Optional[List[str]]) -> Any:
            if not isinstance(v, dict):
                return mismatch(v)
            if not string_keys:
                return Problem("JSON objects can only fill maps with string keys")
            for k, earlier in v.earlier:
                r = value(earlier, None)
                if isinstance(r, Problem):
                    return r.within(k)
            # (key, value) entries, not a dict: PySpark would hand a dict to the JVM as a
            # java.util.HashMap, losing the key order (see parsed_type).
            entries = []
            for k in js_key_order(v):
                r = value(v[k], None)
                if isinstance(r, Problem):
                    return r.within(k)
                entries.append((k, r))
            return entries

        return read_map
    return lambda v, nulled: mismatch(v)


def absent(v: Any, nullable: bool) -> Optional[Problem]:
    """A missing or null value of a field: None if the field is nullable."""
    if nullable:
        return None
    return Problem("required field is null" if v is None else "missing required field")


def nested_reader(f: Dict[str, Any]) -> Any:
    """fn(v, nulled): field f's value, MISSING or None included -> its internal value, or a Problem."""
    convert = value_reader(f["type"], f.get("enumValues"))
    nullable = f["nullable"]
    return lambda v, nulled: absent(v, nullable) if v is MISSING or v is None else convert(v, nulled)


def earlier_problem(obj: Any, name: str, check: Any) -> Optional[Problem]:
    """The first earlier duplicate of field `name` that does not fit it (`check`, a nested_reader), if any."""
    for k, v in obj.earlier:
        if k == name:
            r = check(v, None)
            if isinstance(r, Problem):
                return r
    return None


def field_reader(f: Dict[str, Any]) -> Any:
    """fn(obj, nulled): field f of a parsed object (a record or a struct value). The last of
    duplicate keys wins; an earlier duplicate that does not fit makes the record bad, unless f is
    lenient. A lenient field's value that does not fit is None, its name added to `nulled`
    (mirrors orNull in framework/io/jsonl.ts); the nulls counted inside a value that is then
    refused are dropped."""
    name = f["name"]
    lenient = bool(f.get("lenient"))
    check = nested_reader(f)
    if not lenient and not (f["type"]["kind"] == "struct" and lenient_paths(f["type"]["fields"])):
        # Nothing below can be read as null: no paths to collect. (check, inlined: this runs for
        # every value of every record.)
        convert = value_reader(f["type"], f.get("enumValues"))
        nullable = f["nullable"]

        def read_strict(obj: Any, nulled: Optional[List[str]]) -> Any:
            if obj.earlier:
                earlier = earlier_problem(obj, name, check)
                if earlier is not None:
                    return earlier
            v = obj.get(name, MISSING)
            return absent(v, nullable) if v is MISSING or v is None else convert(v, None)

        return read_strict

    def read(obj: Any, nulled: Optional[List[str]]) -> Any:
        if not lenient and obj.earlier:
            earlier = earlier_problem(obj, name, check)
            if earlier is not None:
                return earlier
        inner: Optional[List[str]] = [] if nulled is not None else None
        r = check(obj.get(name, MISSING), inner)
        if isinstance(r, Problem) and lenient:
            r = None
            inner = [""]
        if nulled is not None and inner:
            nulled.extend(name + ("." + path if path else "") for path in inner)
        return r

    return read


MAX_DEPTH = 64
TOO_DEEP = "invalid JSON: nesting deeper than %d levels" % MAX_DEPTH
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A lone surrogate can only come from a \u escape (the line was decoded from UTF-8, which has none).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
UNPAIRED = "invalid JSON: a \\u escape makes an unpaired surrogate, which is not Unicode text"


def tree_problem(obj: Any) -> Optional[str]:
    """What the local reader refuses in a parsed line that Python's decoder lets through: a value deeper
    than MAX_DEPTH (counted as the local reader counts: the record's fields at depth 1, each
    container's items one deeper) and a lone surrogate from a \\u escape (Spark would write it as
    '?', the local engine as U+FFFD: neither is the text). Iterative: the point is to refuse what
    recursion would choke on."""
    stack = [(v, 1) for v in obj.values()] + [(v, 1) for _, v in getattr(obj, "earlier", ())] if isinstance(obj, dict) else [(obj, 0)]
    if isinstance(obj, dict) and any(LONE_SURROGATE.search(k) for k in obj):
        return UNPAIRED
    while stack:
        v, depth = stack.pop()
        if depth > MAX_DEPTH:
            return TOO_DEEP
        if isinstance(v, str):
            if LONE_SURROGATE.search(v):
                return UNPAIRED
        elif isinstance(v, dict):
            if any(LONE_SURROGATE.search(k) for k in v):
                return UNPAIRED
            stack.extend((x, depth + 1) for x in v.values())
            stack.extend((x, depth + 1) for _, x in getattr(v, "earlier", ()))
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v)
    return None


def may_have_tree_problem(line: str) -> bool:
    """Whether tree_problem could find anything in this line's value: it needs a \\u escape of a
    surrogate, or more than MAX_DEPTH brackets (a value deeper than MAX_DEPTH sits inside the
    record's brace and at least MAX_DEPTH more). Most lines have neither, and are not walked."""
    return line.count("{") + line.count("[") > MAX_DEPTH or SURROGATE_ESCAPE.search(line) is not None


class JsonRecordReader:
    """Lines of JSON text of one schema -> row tuples in schema order (values in Spark's internal
    form), or Problems."""

    def __init__(self, fields: List[Dict[str, Any]]) -> None:
        # A decoder per reader: a decoder cannot be pickled to the executors.
        self.decoder = json_decoder()
        self.fields = [
            (f["name"], f["nullable"], value_reader(f["type"], f.get("enumValues")), field_reader(f), nested_reader(f), bool(f.get("lenient")) or bool(f["type"]["kind"] == "struct" and lenient_paths(f["type"]["fields"])))
            for f in fields
        ]

    def read(self, line: str, nulled: Optional[List[str]] = None) -> Any:
        """One line -> a row, or a Problem. `nulled` collects the paths of the lenient values
        read as None (meaningful only when a row is returned)."""
        try:
            obj = self.decoder.decode(line)
        except ValueError as e:
            return Problem("invalid JSON: %s" % e)
        except RecursionError:
            return Problem(TOO_DEEP)
        if may_have_tree_problem(line):
            problem = tree_problem(obj)
            if problem is not None:
                return Problem(problem)
        if not isinstance(obj, dict):
            return Problem("expected a JSON object, got %s" % describe_json(obj))
        row = []
        duplicates = obj.earlier
        for name, nullable, convert, read, check, collects in self.fields:
            v = obj.get(name, MISSING)
            if v is MISSING or v is None:
                if not nullable:
                    if duplicates:
                        earlier = earlier_problem(obj, name, check)
                        if earlier is not None:
                            return earlier.of_field(name)
                    return Problem("missing required field %s" % name if v is MISSING else "%s: required field is null" % name)
                if not duplicates:
                    row.append(None)
                    continue
            # The field reader when duplicate keys or lenient values need it; the value's, directly, for the
            # usual value (the same result: one call less for every value of every record).
            r = read(obj, nulled) if duplicates or collects else convert(v, None)
            if isinstance(r, Problem):
                return r.of_field(name)
            row.append(r)
        return tuple(row)

# ---------------------------------------------------------------- file readers (run on the executors)

BOM = b"\xef\xbb\xbf"


def clip(raw: str) -> str:
    return raw[:RAW_LIMIT] + "…" if len(raw) > RAW_LIMIT else raw


def decompress(path: str, data: bytes) -> bytes:
    """By magic bytes, not the name (Firehose objects often have no extension); every gzip member is read."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as e:
        raise InputError("%s: the gzip stream is damaged (%s)" % (path, e), "the file was cut short or corrupted: re-download it, or remove it from the input")


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def readable_reason(reason: str) -> str:
    """Control characters in a reason as \\uXXXX (mirrors readableReason in framework/io/types.ts)."""
    return CONTROL.sub(lambda m: "\\u%04x" % ord(m.group(0)), reason)


def bad(input_name: str, path: str, line: int, reason: str, raw: str) -> Dict[str, Any]:
    return {"input": input_name, "file": path, "line": line, "reason": readable_reason(reason), "raw": clip(raw)}


def json_lines_file(input_name: str, path: str, data: bytes, fields: List[Dict[str, Any]]) -> Iterator[Tuple[int, Any]]:
    """(0, row) for each good line, (1, bad record) for each bad one, in file order; before a good
    line's row, (2, field path) for each of its lenient values read as None."""
    text = decompress(path, data)
    if text.startswith(BOM):
        text = text[3:]
    reader = JsonRecordReader(fields)
    for number, raw in enumerate(text.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw.strip(b" \t\r"):
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield 1, bad(input_name, path, number, "the line is not valid UTF-8", raw.decode("utf-8", "replace"))
            continue
        nulled: List[str] = []
        r = reader.read(line, nulled)
        if isinstance(r, Problem):
            yield 1, bad(input_name, path, number, r.reason, line)
        else:
            yield from ((2, column) for column in nulled)
            yield 0, r


def from_text(s: str, t: Dict[str, Any], enum_values: Optional[List[str]]) -> Any:
    """CSV field text -> value (mirrors fromText in framework/io/values.ts)."""
    kind = t["kind"]
    if kind == "string":
        return Problem(enum_reason(s, enum_values)) if enum_values is not None and s not in enum_values else s
    if kind in ("int32", "int64"):
        return parse_int(s, 32 if kind == "int32" else 64)
    if kind == "float32":
        return parse_float(s, "float")
    if kind == "float64":
        return parse_float(s)
    if kind == "boolean":
        return parse_bool(s, True)
    if kind == "decimal":
        return parse_decimal(s, t["precision"], t["scale"])
    if kind == "date":
        return parse_date(s)
    if kind == "timestamp":
        return parse_timestamp(s)
    return Problem("CSV cannot hold %s values" % type_name(t))


@dataclass
class CsvCell:
    text: str
    quoted: bool


class CsvUnclosed(Exception):
    """A quoted field runs to the end of the file: the rest of the file is one bad record."""

    def __init__(self, line: int, raw: str) -> None:
        super().__init__(line)
        self.line = line
        self.raw = raw


def record_delimiter(text: str, quote_char: str) -> str:
    """The file's line ending, as csv-parse discovers it: the first CRLF, LF or CR outside quotes."""
    quoted = False
    for i, c in enumerate(text):
        if c == quote_char:
            quoted = not quoted
        elif not quoted and c in "\r\n":
            return "\r\n" if text.startswith("\r\n", i) else c
    return "\n"


def csv_records(text: str, delimiter: str, quote_char: str) -> Iterator[Tuple[int, List[CsvCell], str, Optional[str]]]:
    """(start line, cells, raw text, what is wrong with its quoting) per record.

    Written here rather than with the csv module because the module cannot tell a quoted empty
    field ("" = empty string) from an empty one (= null) before Python 3.12, and the local
    reader (csv-parse) makes that distinction. Records end at the file's line ending (LF, CRLF or
    CR alone: the first one found, as csv-parse); quotes inside a quoted field are doubled; empty
    lines are skipped; an unclosed quote makes the rest of the file one bad record. A quote inside
    an unquoted field, or text after a closing quote, is kept in the field's text as csv-parse's
    relax_quotes does, and makes the record bad (the reasons are the local reader's)."""
    rd = record_delimiter(text, quote_char)
    n = len(text)
    i = 0
    line = 1
    while i < n:
        if text.startswith(rd, i):
            i += len(rd)
            line += 1
            continue
        start, start_line = i, line
        cells: List[CsvCell] = []
        problem: Optional[str] = None
        while True:
            if i < n and text[i] == quote_char:
                field_start = i
                i += 1
                parts = []
                while True:
                    j = text.find(quote_char, i)
                    if j < 0:
                        line += text.count("\n", i)
                        raise CsvUnclosed(start_line, text[start:])
                    parts.append(text[i:j])
                    line += text.count("\n", i, j)
                    if text.startswith(quote_char, j + 1):
                        parts.append(quote_char)
                        i = j + 2
                        continue
                    i = j + 1
                    break
                if i < n and not (text[i] == delimiter or text.startswith(rd, i)):
                    # csv-parse (relax_quotes) keeps the field's raw text, quotes and all
                    j = i
                    while j < n and text[j] != delimiter and not text.startswith(rd, j):
                        j += 1
                    problem = problem or "field %d has text after its closing quote: quote the whole field and double the quotes in it" % (len(cells) + 1)
                    cells.append(CsvCell(text[field_start:j], True))
                    i = j
                else:
                    cells.append(CsvCell("".join(parts), True))
            else:
                j = i
                while j < n and text[j] != delimiter and not text.startswith(rd, j):
                    if text[j] == quote_char and problem is None:
                        problem = "field %d has a quote inside an unquoted value: quote the whole field and double the quotes in it" % (len(cells) + 1)
                    j += 1
                cells.append(CsvCell(text[i:j], False))
                i = j
            if i < n and text[i] == delimiter:
                i += 1
                continue
            raw = text[start:i]
            if i < n:
                i += len(rd)
                line += 1
            yield start_line, cells, raw, problem
            break


def csv_header_mapping(path: str, header: List[str], fields: List[Dict[str, Any]]) -> List[int]:
    seen: Dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().lower()
        if key in seen:
            raise InputError("%s: the header names column '%s' twice (columns %d and %d)" % (path, h.strip(), seen[key] + 1, i + 1), "rename one of them")
        seen[key] = i
    missing = [f["name"] for f in fields if not f["nullable"] and f["name"].lower() not in seen]
    if missing:
        raise InputError(
            "%s: the header lacks required column%s %s (header: %s)" % (path, "s" if len(missing) > 1 else "", ", ".join(missing), ", ".join(header)),
            "add the column to the file, or make it .nullable() in the schema",
        )
    names = [f["name"].lower() for f in fields]
    return [names.index(h.strip().lower()) if h.strip().lower() in names else -1 for h in header]


def csv_file(input_name: str, path: str, data: bytes, fields: List[Dict[str, Any]], options: Dict[str, Any]) -> Iterator[Tuple[int, Any]]:
    text_bytes = decompress(path, data)
    if text_bytes.startswith(BOM):
        text_bytes = text_bytes[3:]
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError("%s is not valid UTF-8 (byte %d)" % (path, e.start), "convert the file to UTF-8")
    null_value = options.get("nullValue", "")
    mapping: Optional[List[int]] = None if options.get("header", True) else list(range(len(fields)))
    try:
        for line, cells, raw, quoting in csv_records(text, options.get("delimiter", ","), options.get("quote", '"')):
            if mapping is None:
                mapping = csv_header_mapping(path, [c.text for c in cells], fields)
                continue
            if quoting is not None:
                yield 1, bad(input_name, path, line, quoting, raw)
                continue
            if len(cells) != len(mapping):
                yield 1, bad(input_name, path, line, "expected %d fields, found %d" % (len(mapping), len(cells)), raw)
                continue
            values: List[Any] = [None] * len(fields)
            nulled: List[str] = []
            problem = None
            for c, cell in enumerate(cells):
                fi = mapping[c]
                if fi < 0 or (not cell.quoted and (cell.text == "" or cell.text == null_value)):
                    continue
                f = fields[fi]
                v = from_text(cell.text, f["type"], f.get("enumValues"))
                if isinstance(v, Problem) and f.get("lenient"):
                    nulled.append(f["name"])
                    continue
                if isinstance(v, Problem):
                    problem = "%s: %s" % (f["name"], v.reason)
                    break
                values[fi] = v
            if problem is None:
                problem = next(("%s: required field is empty" % f["name"] for f, v in zip(fields, values) if v is None and not f["nullable"]), None)
            if problem is not None:
                yield 1, bad(input_name, path, line, problem, raw)
            else:
                yield from ((2, column) for column in nulled)
                yield 0, tuple(values)
    except CsvUnclosed as e:
        yield 1, bad(input_name, path, e.line, "a quoted field is never closed (the rest of the file was swallowed into it)", e.raw)
    if mapping is None:
        raise InputError("%s is empty: it has no header row" % path, "a CSV input needs a header naming its columns (or header: false)")


def read_file(spec: Dict[str, Any], path: str, data: bytes) -> Iterator[Tuple[int, Any]]:
    """Dispatches one input file to its reader; under 'failfast' the first bad record stops the job."""
    records = (
        json_lines_file(spec["name"], path, data, spec["fields"])
        if spec["format"] == "jsonl"
        else csv_file(spec["name"], path, data, spec["fields"], spec.get("csv") or {})
    )
    for tag, value in records:
        if tag == 1 and spec.get("badRecordMode") == "failfast":
            raise ValueError(BAD_RECORD_MARKER + json.dumps(value, ensure_ascii=False))
        yield tag, value


def parsed_rows(spec: Dict[str, Any], path: str, data: bytes) -> Iterator[Tuple[Any, ...]]:
    """One input file as rows of parsed_schema: the record's values, then None and the paths of
    its lenient values read as None (or None if none), for each good record; nulls, then the bad
    record as JSON text and None, for each bad one."""
    nulled: List[str] = []
    no_record = (None,) * len(spec["fields"])
    for tag, value in read_file(spec, path, data):
        if tag == 2:
            nulled.append(value)
        elif tag == 0:
            yield value + (None, nulled or None)
            nulled = []
        else:
            yield no_record + (json.dumps(value, ensure_ascii=False), None)


# ---------------------------------------------------------------- input files

FILE_PATTERNS = {
    "jsonl": re.compile(r"\.(jsonl?|ndjson|json\.gz|jsonl\.gz|ndjson\.gz|gz|txt)$|^[^.]+$", re.I),
    "csv": re.compile(r"\.(csv|tsv|txt|csv\.gz)$", re.I),
}


def select_input_files(base: str, listed: List[str], fmt: str) -> List[str]:
    """The files of an input folder the local engine reads: no hidden `.`/`_` path parts, a data
    file name, in path order (folder by folder)."""
    prefix = base.rstrip("/") + "/"
    chosen = []
    for p in listed:
        rel = p[len(prefix):] if p.startswith(prefix) else p.rsplit("/", 1)[-1]
        parts = rel.split("/")
        if any(part.startswith((".", "_")) for part in parts):
            continue
        if FILE_PATTERNS[fmt].search(parts[-1]):
            chosen.append((parts, p))
    return [p for _, p in sorted(chosen)]


HADOOP_GLOB_CHARS = re.compile(r"([\\{}\[\]*?])")


def file_groups(files: List[Tuple[str, int]], count: int) -> List[List[str]]:
    """(path, size) in path order, cut into at most `count` runs of about equal size, in order.
    Each run is one Spark task: binaryFiles alone packs small files (Firehose's) into one split,
    whatever minPartitions asks, and the whole input would be parsed by one core."""
    total = sum(size for _, size in files)
    groups: List[List[str]] = [[]]
    done = 0
    for path, size in files:
        if groups[-1] and len(groups) < count and done >= total * len(groups) / count:
            groups.append([])
        groups[-1].append(path)
        done += size
    return groups


def hadoop_path_list(paths: List[str]) -> str:
    """Paths for SparkContext.binaryFiles: comma-separated, glob characters escaped."""
    with_comma = [p for p in paths if "," in p]
    if with_comma:
        raise InputError("%s: file names with commas cannot be read by Spark's file reader" % with_comma[0], "rename the file")
    return ",".join(HADOOP_GLOB_CHARS.sub(r"\\\1", p) for p in paths)


# ---------------------------------------------------------------- Spark


def spark_type(t: Dict[str, Any]) -> Any:
    from pyspark.sql import types as st

    kind = t["kind"]
    simple = {
        "string": st.StringType, "binary": st.BinaryType, "boolean": st.BooleanType, "int32": st.IntegerType, "int64": st.LongType,
        "float32": st.FloatType, "float64": st.DoubleType, "date": st.DateType, "timestamp": st.TimestampType, "null": st.NullType,
    }
    if kind in simple:
        return simple[kind]()
    if kind == "decimal":
        return st.DecimalType(t["precision"], t["scale"])
    if kind == "array":
        return st.ArrayType(spark_type(t["element"]), t["containsNull"])
    if kind == "map":
        return st.MapType(spark_type(t["key"]), spark_type(t["value"]), t["valueContainsNull"])
    return spark_schema(t["fields"])


def spark_schema(fields: List[Dict[str, Any]]) -> Any:
    from pyspark.sql import types as st

    return st.StructType([st.StructField(f["name"], spark_type(f["type"]), f["nullable"]) for f in fields])


def parsed_type(t: Dict[str, Any]) -> Any:
    """The Spark type a parsed value is stored in: the declared type, except that a map is an array
    of (key, value) entries in the file's key order. A Python dict would reach the JVM as a
    java.util.HashMap, in hash order, where the local engine keeps the file's order; restored()
    turns the entries back into the map."""
    from pyspark.sql import types as st

    kind = t["kind"]
    if kind == "map":
        entry = st.StructType([st.StructField("key", spark_type(t["key"]), False), st.StructField("value", parsed_type(t["value"]), t["valueContainsNull"])])
        return st.ArrayType(entry, False)
    if kind == "array":
        return st.ArrayType(parsed_type(t["element"]), t["containsNull"])
    if kind == "struct":
        return st.StructType([st.StructField(f["name"], parsed_type(f["type"]), f["nullable"]) for f in t["fields"]])
    return spark_type(t)


def holds_map(t: Dict[str, Any]) -> bool:
    kind = t["kind"]
    if kind == "map":
        return True
    if kind == "array":
        return holds_map(t["element"])
    if kind == "struct":
        return any(holds_map(f["type"]) for f in t["fields"])
    return False


def restored(expr: str, t: Dict[str, Any], depth: int = 0) -> str:
    """Spark SQL turning `expr`, a value of parsed_type(t), into a value of type t: each map's
    entries into the map, in their order (map_from_entries keeps it)."""
    if not holds_map(t):
        return expr
    kind = t["kind"]
    x = "x%d" % depth
    if kind == "map":
        if not holds_map(t["value"]):
            return "map_from_entries(%s)" % expr
        value = restored("%s.value" % x, t["value"], depth + 1)
        return "map_from_entries(transform(%s, %s -> struct(%s.key AS key, %s AS value)))" % (expr, x, x, value)
    if kind == "array":
        return "transform(%s, %s -> %s)" % (expr, x, restored(x, t["element"], depth + 1))
    fields = ", ".join("%s, %s" % (spark_string(f["name"]), restored("%s.%s" % (expr, quote_identifier(f["name"])), f["type"], depth)) for f in t["fields"])
    return "IF(%s IS NULL, NULL, named_struct(%s))" % (expr, fields)


def restored_columns(fields: List[Dict[str, Any]]) -> List[str]:
    """The columns of a parsed input's records, maps restored (see parsed_type)."""
    return ["%s AS %s" % (restored(quote_identifier(f["name"]), f["type"]), quote_identifier(f["name"])) for f in fields]


def bookkeeping_columns(fields: List[Dict[str, Any]]) -> Tuple[str, str]:
    """The names of a parsed input's two extra columns (parsed_schema), the bad record and the
    lenient nulls: "__lakeform_bad_record" and "__lakeform_lenient_nulls", lengthened by
    underscores while a field of the record has the name (Spark matches names case-insensitively),
    so that no user's column is ever shadowed by them."""
    taken = {f["name"].lower() for f in fields}

    def fresh(name: str) -> str:
        while name.lower() in taken:
            name += "_"
        return name

    return fresh("__lakeform_bad_record"), fresh("__lakeform_lenient_nulls")


def parsed_schema(fields: List[Dict[str, Any]]) -> Any:
    """A parsed file input, one row per record (parsed_rows): the record's columns, null for a bad
    record, maps as entries (parsed_type); then the bad record as JSON text and the paths of the
    lenient values read as null (named by bookkeeping_columns). Flat, not the record as one struct
    column: Spark's columnar cache, which holds it, stores and scans a struct column row by row."""
    from pyspark.sql import types as st

    bad, nulled = bookkeeping_columns(fields)
    return st.StructType(
        [st.StructField(f["name"], parsed_type(f["type"]), True) for f in fields]
        + [st.StructField(bad, st.StringType(), True), st.StructField(nulled, st.ArrayType(st.StringType(), False), True)]
    )


def internal_frame(spark: Any, rows: Any, schema: Any) -> Any:
    """A DataFrame of an RDD of rows whose values are already in Spark's internal form (timestamps
    as microseconds, dates as days since the epoch, structs as tuples), as the readers make them.
    What createDataFrame does after converting each row field by field in Python (StructType.toInternal:
    a third of the parse time, mostly turning datetimes back into microseconds), without that pass."""
    from pyspark.sql import DataFrame

    java_rows = spark._jvm.SerDeUtil.toJavaArray(rows._to_java_object_rdd())
    return DataFrame(spark._jsparkSession.applySchemaToPythonRDD(java_rows.rdd(), schema.json()), spark)


def artifact_fields(columns: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Plan columns as the readers use them: name, type tree, nullability, enum values."""
    return [{"name": c["name"], "type": c["dataType"], "nullable": c["nullable"], **{k: c[k] for k in ("enumValues", "lenient") if k in c}} for c in columns]


def lenient_paths(fields: List[Dict[str, Any]], prefix: str = "") -> List[str]:
    """Paths of the lenient fields (`amount`, `device.os`), in schema order (mirrors lenientPaths in framework/schema/types.ts)."""
    paths: List[str] = []
    for f in fields:
        if f.get("lenient"):
            paths.append(prefix + f["name"])
        if f["type"]["kind"] == "struct":
            paths.extend(lenient_paths(f["type"]["fields"], prefix + f["name"] + "."))
    return paths


def quote_identifier(name: str) -> str:
    return "`%s`" % name.replace("`", "``")


class Hadoop:
    """The JVM's Hadoop file system (S3 through EMRFS on EMR, local files in tests)."""

    def __init__(self, spark: Any) -> None:
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _fs(self, uri: str) -> Tuple[Any, Any]:
        path = self.jvm.org.apache.hadoop.fs.Path(uri)
        return path.getFileSystem(self.conf), path

    def read_text(self, uri: str) -> str:
        fs, path = self._fs(uri)
        if not fs.exists(path):
            raise DriverError("%s does not exist" % uri, "upload the plan with `etl deploy`, or pass the path of plan.json written by `etl plan --out`")
        stream = fs.open(path)
        try:
            out = self.jvm.java.io.ByteArrayOutputStream()
            self.jvm.org.apache.hadoop.io.IOUtils.copyBytes(stream, out, 65536, False)
            return bytes(out.toByteArray()).decode("utf-8")
        finally:
            stream.close()

    def write_text(self, uri: str, text: str) -> None:
        fs, path = self._fs(uri)
        stream = fs.create(path, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def qualify(self, uri: str) -> str:
        fs, path = self._fs(uri)
        return fs.makeQualified(path).toString()

    def exists(self, uri: str) -> bool:
        fs, path = self._fs(uri)
        return bool(fs.exists(path))

    def delete(self, uri: str) -> None:
        fs, path = self._fs(uri)
        fs.delete(path, True)

    def list_files(self, uri: str) -> Tuple[str, List[Tuple[str, int, int]]]:
        """(the qualified location, (path, size, modification time in ms) of every file under it);
        a single file lists itself."""
        fs, path = self._fs(uri)
        if not fs.exists(path):
            raise InputError("%s does not exist" % uri, "check the input location (or --input)")
        qualified = fs.makeQualified(path)
        status = fs.getFileStatus(qualified)
        if status.isFile():
            return qualified.toString(), [(qualified.toString(), int(status.getLen()), int(status.getModificationTime()))]
        found = []
        files = fs.listFiles(qualified, True)
        while files.hasNext():
            f = files.next()
            found.append((f.getPath().toString(), int(f.getLen()), int(f.getModificationTime())))
        return qualified.toString(), found


def is_local_path(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file:")


def read_plan_text(uri: str) -> str:
    with open(uri[len("file:"):] if uri.startswith("file:") else uri, encoding="utf-8") as f:
        return f.read()


def relative_key(base: str, path: str) -> str:
    """A file's key below an input's root, as the ledger and the input fingerprint name it."""
    prefix = base.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path.rsplit("/", 1)[-1]


def partition_values(rel: str) -> Dict[str, Optional[str]]:
    """`dt=2026-11-01/country=FR/part-0.parquet` -> {dt: 2026-11-01, country: FR} (Hive unescaping)."""
    out: Dict[str, Optional[str]] = {}
    for part in rel.split("/")[:-1]:
        name, eq, value = part.partition("=")
        if eq:
            raw = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)
            out[name] = None if raw == HIVE_DEFAULT_PARTITION else raw
    return out


def input_fingerprint(lines: List[str]) -> str:
    """What `etl run` and `etl backfill` compare to tell whether a slice's inputs changed
    (framework/slices/state.ts): sha256 of the sorted `input\tkey\tsize\tmtime` lines."""
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
HIVE_ESCAPED = set('"#%\'*/:=?\\\x7f{[]^')


def escape_partition_value(value: Optional[str]) -> str:
    """A partition value as Hive writes it into a path (framework/io/hive.ts)."""
    if value is None or value == "":
        return HIVE_DEFAULT_PARTITION
    return "".join("%%%02X" % ord(ch) if ord(ch) < 0x20 or ch in HIVE_ESCAPED else ch for ch in value)


def slice_file_name(key: str) -> str:
    return key.replace("/", ",") + ".json"


TIMINGS = os.environ.get("LAKEFORM_DRIVER_TIMINGS") == "1"


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """With LAKEFORM_DRIVER_TIMINGS=1, the wall time of a phase of the run on stderr (for profiling the driver)."""
    start = time.monotonic()
    yield
    if TIMINGS:
        sys.stderr.write("driver timing: %-28s %7.2f s\n" % (phase, time.monotonic() - start))


class Run:
    """One execution of a plan: inputs as views, SQL, slice, checks, write, state, summary."""

    def __init__(self, spark: Any, plan: Dict[str, Any], opts: Options, digest: str) -> None:
        self.spark = spark
        self.plan = plan
        self.opts = opts
        self.hadoop = Hadoop(spark)
        self.summary: Dict[str, Any] = {"job": plan["job"], "planHash": digest, "params": plan["params"], "status": "running", "inputs": []}
        self.bad_records: List[Any] = []
        self.cached: List[Any] = []
        # The rows and partitions of the output (counted with the checks, reported by the write).
        self.written: Dict[str, Any] = {}
        # Parquet and catalog-table inputs: (their summary entry, their DataFrame), counted after the write.
        self.uncounted: List[Tuple[Dict[str, Any], Any]] = []
        self.fingerprint: List[str] = []
        self.state = (opts.state_location or plan["state"]).rstrip("/") + "/"
        self.run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + spark.sparkContext.applicationId
        # Incremental runs: the objects this run reads, for its ledger segment.
        self.new_objects: List[Dict[str, Any]] = []

    # ------------------------------------------------------------ inputs

    def load_inputs(self) -> None:
        for spec in self.plan["inputs"]:
            df, stats = self.load_input(spec)
            df.createOrReplaceTempView(spec["view"])
            self.summary["inputs"].append(stats)
            if "rowsRead" not in stats:
                self.uncounted.append((stats, df))

    def file_listing(self, spec: Dict[str, Any], locations: List[str]) -> List[Tuple[str, str, int, int]]:
        """(base, path, size, mtime) of the files an input reads: every location listed, a
        window's missing folders skipped, in path order."""
        chosen: List[Tuple[str, str, int, int]] = []
        for location in locations:
            if spec.get("windowed") and not self.hadoop.exists(location):
                continue
            base, listed = self.hadoop.list_files(location)
            info = {p: (size, mtime) for p, size, mtime in listed}
            if spec["format"] in FILE_PATTERNS:
                paths = select_input_files(base, [p for p, _, _ in listed], spec["format"])
            else:
                paths = sorted(p for p in info if p.endswith(".parquet") and not any(part.startswith((".", "_")) for part in relative_key(base, p).split("/")))
            chosen.extend((base, p, info[p][0], info[p][1]) for p in paths)
        return chosen

    def location_of(self, spec: Dict[str, Any]) -> List[str]:
        override = self.opts.inputs.get(spec["name"])
        return [override] if override is not None else list(spec.get("locations") or [])

    def load_input(self, spec: Dict[str, Any]) -> Tuple[Any, Dict[str, Any]]:
        fields = artifact_fields(spec["schema"])
        columns = [quote_identifier(f["name"]) for f in fields]
        prange = spec.get("partitionRange")
        if spec["format"] in ("table", "parquet"):
            override = self.opts.tables.get(spec.get("table", "")) if spec["format"] == "table" else None
            locations = [override] if override is not None else self.location_of(spec) if spec["format"] == "parquet" else []
            if locations:
                df = self.spark.read.schema(spark_schema(fields)).option("basePath", locations[0]).parquet(*locations)
                location = ", ".join(locations)
            else:
                df = self.spark.table(spec["table"])
                location = spec["table"]
            if locations or spec.get("location"):
                read = locations or [spec["location"]]
                # Replaced locations (--input, --table) are their own root.
                overridden = override is not None or spec["name"] in self.opts.inputs
                self.fingerprint_parquet(spec["name"], read, read[0] if overridden else (spec.get("root") or read[0]), prange)
            if prange:
                # A table read by slice: Spark prunes the partitions outside the range.
                c = quote_identifier(prange["column"])
                df = df.where("%s >= DATE '%s' AND %s < DATE '%s'" % (c, prange["from"], c, prange["to"]))
            if spec["format"] == "table":
                df = self.columns_of(df, fields, location)
            else:
                df = df.selectExpr(*columns)
            return df, {"name": spec["name"], "location": location}
        locations = self.location_of(spec)
        if self.opts.incremental and spec["name"] == self.plan["incremental"]["input"]:
            files = self.new_files(spec)
        else:
            files = self.file_listing(spec, locations)
        root = self.hadoop.qualify(self.opts.inputs.get(spec["name"], spec.get("root") or locations[0]))
        for _, path, size, mtime in files:
            self.fingerprint.append("%s\t%s\t%d\t%d" % (spec["name"], relative_key(root, path), size, mtime))
        kind = "JSON lines" if spec["format"] == "jsonl" else "CSV"
        if not files and not self.opts.incremental:
            if spec.get("windowed"):
                raise InputError(
                    "%s … %s (%d folders) has no %s files for this slice" % (locations[0], locations[-1], len(locations), kind),
                    "the slice has no data yet (nothing to replace it with); check the day, or the input's path and lateness",
                )
            raise InputError("%s contains no %s files" % (", ".join(locations), kind), "point the input at a folder with data files, or at a file")
        location = locations[0] if len(locations) == 1 else "%s … %s (%d folders)" % (locations[0], locations[-1], len(locations))
        if not files:
            df = self.spark.createDataFrame([], spark_schema(fields))
            return df, {"name": spec["name"], "location": location, "files": 0, "rowsRead": 0, "badRecords": 0}
        from pyspark import StorageLevel

        sc = self.spark.sparkContext
        reader_spec = {"name": spec["name"], "format": spec["format"], "fields": fields, "badRecordMode": spec.get("badRecordMode"), "csv": spec.get("csv")}
        groups = file_groups([(p, size) for _, p, size, _ in files], sc.defaultParallelism * 4)
        contents = sc.union([sc.binaryFiles(hadoop_path_list(g), minPartitions=1) for g in groups])
        # Parsed once into Spark's columnar cache: the counts below, the view and the quarantine read it.
        parsed = internal_frame(self.spark, contents.flatMap(lambda item: parsed_rows(reader_spec, item[0], item[1])), parsed_schema(fields))
        parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK)
        self.cached.append(parsed)
        lenient = lenient_paths(fields)
        bad, nulled = (quote_identifier(c) for c in bookkeeping_columns(fields))
        with timed("parse and count %s" % spec["name"]):
            counted = parsed.selectExpr(
                "count(*) - count(%s) AS rows" % bad,
                "count(%s) AS bad" % bad,
                *["coalesce(sum(size(filter(coalesce(%s, array()), p -> p = %s))), 0)" % (nulled, spark_string(column)) for column in lenient],
            ).first()
        rows, bad_count = counted[0], counted[1]
        nulls = {column: counted[2 + i] for i, column in enumerate(lenient)}
        # 'dropmalformed' drops and counts; only 'permissive' keeps its bad records in the quarantine.
        if bad_count and spec.get("badRecordMode") != "dropmalformed":
            self.bad_records.append(parsed.where("%s IS NOT NULL" % bad).selectExpr(bad))
        df = parsed.where("%s IS NULL" % bad).selectExpr(*restored_columns(fields))
        # Rows read counts every record, good or bad, as `etl run` reports it.
        stats = {"name": spec["name"], "location": location, "files": len(files), "rowsRead": rows + bad_count, "badRecords": bad_count}
        return df, {**stats, "lenientNulls": nulls} if nulls else stats

    def fingerprint_parquet(self, name: str, locations: List[str], root: str, prange: Optional[Dict[str, str]]) -> None:
        qualified_root = self.hadoop.qualify(root)
        for location in locations:
            if not self.hadoop.exists(location):
                continue
            for _, path, size, mtime in self.file_listing({"format": "parquet"}, [location]):
                key = relative_key(qualified_root, path)
                if prange:
                    value = partition_values(key).get(prange["column"])
                    if value is None or not (prange["from"] <= value < prange["to"]):
                        continue
                self.fingerprint.append("%s\t%s\t%d\t%d" % (name, key, size, mtime))

    def columns_of(self, df: Any, fields: List[Dict[str, Any]], location: str) -> Any:
        have = {c.lower() for c in df.columns}
        missing = [f["name"] for f in fields if f["name"].lower() not in have]
        if missing:
            raise InputError("%s has no column%s %s (it has %s)" % (location, "s" if len(missing) > 1 else "", ", ".join(missing), ", ".join(df.columns)), "run the job that writes it, or update the job to the table's current schema")
        return df.selectExpr(*[quote_identifier(f["name"]) for f in fields])

    # ------------------------------------------------------------ incremental runs

    def ledger(self) -> List[Dict[str, Any]]:
        folder = self.state + "ledger/"
        if not self.hadoop.exists(folder):
            return []
        _, listed = self.hadoop.list_files(folder)
        return [json.loads(self.hadoop.read_text(p)) for p, _, _ in sorted(listed) if p.endswith(".json")]

    def new_files(self, spec: Dict[str, Any]) -> List[Tuple[str, str, int, int]]:
        """The objects under the incremental input's root that the ledger does not list."""
        root = self.opts.inputs.get(spec["name"], self.plan["incremental"]["root"])
        known: Dict[str, int] = {}
        for segment in self.ledger():
            if segment.get("input") == spec["name"]:
                for o in segment["objects"]:
                    known[o["key"]] = o["size"]
        fresh = []
        self.known_files = 0
        for base, path, size, mtime in self.file_listing(spec, [root]):
            key = relative_key(base, path)
            if key not in known:
                fresh.append((base, path, size, mtime))
                self.new_objects.append({"key": key, "size": size, "mtimeMs": mtime})
            elif known[key] != size:
                raise InputError(
                    "%s changed since an incremental run processed it (%d bytes then, %d now)" % (path, known[key], size),
                    "incremental runs assume objects are never rewritten (as Firehose writes them); rebuild the affected days with etl backfill",
                )
            else:
                self.known_files += 1
        return fresh

    def merged(self, result: Any) -> Any:
        """The partitions the new rows fall into, as they are plus the new rows, deduplicated by
        the job's dropDuplicates (the plan's incremental keys and order)."""
        inc = self.plan["incremental"]
        out = self.plan["output"]
        location = self.opts.output_location or out["location"]
        parts = out["partitionBy"]
        affected = result.selectExpr(*["CAST(%s AS STRING) AS %s" % (quote_identifier(c), quote_identifier(c)) for c in parts]).distinct().collect()
        self.summary["incremental"] = {"newFiles": len(self.new_objects), "knownFiles": self.known_files, "existingRows": 0}
        if not affected or not self.hadoop.exists(location):
            return result
        fields = artifact_fields(out["columns"])
        existing = self.spark.read.schema(spark_schema(fields)).option("basePath", location).parquet(location)

        def same(c: str, v: Optional[str]) -> str:
            if v is None:
                return "%s IS NULL" % quote_identifier(c)
            return "CAST(%s AS STRING) = '%s'" % (quote_identifier(c), v.replace("\\", "\\\\").replace("'", "\\'"))

        keep = " OR ".join("(%s)" % " AND ".join(same(c, row[i]) for i, c in enumerate(parts)) for row in affected)
        existing = existing.where(keep).selectExpr(*[quote_identifier(f["name"]) for f in fields])
        self.summary["incremental"]["existingRows"] = existing.count()
        order = ", ".join("%s %s NULLS %s" % (quote_identifier(o["column"]), "ASC" if o["ascending"] else "DESC", "FIRST" if o["nullsFirst"] else "LAST") for o in inc["orderBy"])
        keys = ", ".join(quote_identifier(k) for k in inc["keys"])
        union = existing.unionByName(result)
        union.createOrReplaceTempView("__merge")
        columns = ", ".join(quote_identifier(f["name"]) for f in fields)
        merged = self.spark.sql(
            "SELECT %s FROM (SELECT *, row_number() OVER (PARTITION BY %s ORDER BY %s) AS __rank FROM __merge) WHERE __rank = 1" % (columns, keys, order or "1")
        )
        # The merge reads the partitions it replaces: cut the lineage so writing them reads nothing.
        return merged.localCheckpoint(eager=True)

    # ------------------------------------------------------------ transform, slice, checks

    def transform(self) -> Any:
        from pyspark import StorageLevel

        result = self.spark.sql(self.plan["sql"])
        want = artifact_fields(self.plan["output"]["columns"])
        if [c.lower() for c in result.columns] != [f["name"].lower() for f in want]:
            raise DriverError(
                "the plan's SQL yields columns %s, the table declares %s" % (", ".join(result.columns), ", ".join(f["name"] for f in want)),
                "this is a lakeform bug: report it with the plan.json",
            )
        actual = {f.name.lower(): f.dataType for f in result.schema.fields}
        select = []
        for f in want:
            expr = quote_identifier(f["name"])
            declared = spark_type(f["type"])
            # The table may declare a wider type than the SQL computes (int -> bigint): widen as the local engine does.
            select.append(expr if actual[f["name"].lower()] == declared else "CAST(%s AS %s) AS %s" % (expr, declared.simpleString(), expr))
        result = result.selectExpr(*select)
        result = self.keep_slice(result)
        if self.opts.incremental:
            result = self.merged(result)
        result = result.persist(StorageLevel.MEMORY_AND_DISK)
        self.cached.append(result)
        result.createOrReplaceTempView("__output")
        return result

    def keep_slice(self, result: Any) -> Any:
        """A sliced run writes its slice's rows only; the others are counted by partition."""
        piece = self.plan["output"].get("slice")
        if not piece:
            return result
        parts = self.plan["output"]["partitionBy"]
        predicate = piece["predicate"]
        outside = (
            result.where("NOT coalesce(%s, false)" % predicate)
            .selectExpr(*["CAST(%s AS STRING) AS %s" % (quote_identifier(c), quote_identifier(c)) for c in parts])
            .groupBy(*parts)
            .count()
            .collect()
        )
        counted = sorted(({"partition": "/".join("%s=%s" % (c, escape_partition_value(row[c])) for c in parts), "rows": int(row["count"])} for row in outside), key=lambda o: o["partition"])
        self.summary["slice"] = piece["key"]
        self.summary["outsideSlice"] = counted
        self.summary["rowsOutsideSlice"] = sum(o["rows"] for o in counted)
        if counted and piece["outside"] == "fail":
            raise OutsideSlice(
                "job '%s' owns slice %s, but its output has rows for partition %s; nothing was written" % (self.plan["job"], piece["key"], counted[0]["partition"]),
                "a run replaces only its own slice: run the slice that owns %s, or set slice: { by: ..., outside: 'drop' }" % counted[0]["partition"],
            )
        return result.where(predicate)

    def run_checks(self) -> None:
        """The checks, and what the write reports (the rows and the partitions written): those that
        are one aggregate each in one query (one pass over the result, one Spark job to plan and
        compile); the others (unique) as their own queries."""
        checks = self.plan["checks"]
        parts = self.plan["output"]["partitionBy"]
        written = ["count(*)"]
        if parts:
            written.append("collect_set(named_struct(%s))" % ", ".join("'p%d', CAST(%s AS STRING)" % (i, quote_identifier(c)) for i, c in enumerate(parts)))
        aggregates = [c["aggregate"] for c in checks if "aggregate" in c]
        row = self.spark.table("__output").selectExpr(*written, *aggregates).first()
        values = row[1] if parts else []
        self.written = {
            "rows": row[0],
            "partitions": sorted(({c: v[i] for i, c in enumerate(parts)} for v in values), key=lambda p: [str(p[c]) for c in parts]),
        }
        together = iter(row[len(written):])
        results = []
        for check in checks:
            failing = (next(together) if "aggregate" in check else self.spark.sql(check["sql"]).first()[0]) or 0
            results.append({"name": check["name"], "severity": check["severity"], "failingRows": int(failing), "passed": failing == 0})
        self.summary["checks"] = results
        failed = [c for c in results if not c["passed"] and c["severity"] == "error"]
        if failed:
            raise CheckFailed(
                "%d check%s failed on %s: %s; nothing was written" % (len(failed), "" if len(failed) == 1 else "s", self.plan["output"]["table"], "; ".join("%s (%d rows)" % (c["name"], c["failingRows"]) for c in failed)),
                "fix the data or the transform, or lower the check's severity to 'warn'",
            )

    # ------------------------------------------------------------ write and state

    def write(self, result: Any) -> None:
        out = self.plan["output"]
        location = self.opts.output_location or out["location"]
        partition_by = out["partitionBy"]
        rows, partitions = self.written["rows"], self.written["partitions"]
        mode = out["mode"]
        piece = out.get("slice")
        # A sliced or incremental run replaces partitions, never the table; overwrite-partitions
        # replaces only the partitions written; overwrite (a run over everything) the table.
        dynamic = mode == "overwrite-partitions" or (piece is not None and mode != "append") or self.opts.incremental
        self.spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic" if dynamic else "static")
        removed: List[str] = []
        if rows or not piece:
            writer = result.write.format("parquet").option("compression", out["compression"]).mode("append" if mode == "append" else "overwrite")
            if partition_by:
                writer = writer.partitionBy(*partition_by)
            writer.save(location)
        if piece and mode != "append":
            removed = self.remove_empty_slice_partitions(location, partition_by, piece, partitions)
        self.summary["output"] = {"table": out["table"], "location": location, "mode": mode, "rowsWritten": rows, "partitions": partitions, "partitionsRemoved": removed}

    def remove_empty_slice_partitions(self, location: str, parts: List[str], piece: Dict[str, Any], written: List[Dict[str, Any]]) -> List[str]:
        """The slice is the run's output: its partitions the run produced no rows for go."""
        if not self.hadoop.exists(location):
            return []
        produced = {"/".join("%s=%s" % (c, escape_partition_value(p[c])) for c in parts) for p in written}
        base, listed = self.hadoop.list_files(location)
        folders = set()
        for path, _, _ in listed:
            rel = relative_key(base, path)
            if any(part.startswith((".", "_")) for part in rel.split("/")) or not rel.endswith(".parquet"):
                continue
            segments = rel.split("/")[: len(parts)]
            values = partition_values("/".join(segments) + "/x")
            if all(values.get(c) == v for c, v in piece["values"].items()):
                folders.add("/".join(segments))
        removed = sorted(folders - produced)
        for folder in removed:
            self.hadoop.delete(base.rstrip("/") + "/" + folder)
        return removed

    def register_partitions(self) -> None:
        """ALTER TABLE ... ADD IF NOT EXISTS PARTITION for each partition written, DROP IF EXISTS
        for each removed: the metastore's partitions follow the data without MSCK REPAIR."""
        out = self.plan["output"]
        parts = out["partitionBy"]
        if not parts:
            return
        table = ".".join(quote_identifier(x) for x in out["table"].split("."))
        location = self.summary["output"]["location"].rstrip("/")

        def spec(values: Dict[str, Any]) -> str:
            return ", ".join("%s = %s" % (quote_identifier(c), "NULL" if values[c] is None else spark_string(str(values[c]))) for c in parts)

        for p in self.summary["output"]["partitions"]:
            folder = "/".join("%s=%s" % (escape_partition_value(c), escape_partition_value(None if p[c] is None else str(p[c]))) for c in parts)
            self.spark.sql("ALTER TABLE %s ADD IF NOT EXISTS PARTITION (%s) LOCATION %s" % (table, spec(p), spark_string("%s/%s" % (location, folder))))
        for removed in self.summary["output"].get("partitionsRemoved", []):
            self.spark.sql("ALTER TABLE %s DROP IF EXISTS PARTITION (%s)" % (table, spec(partition_values(removed + "/x"))))
        self.summary["partitionsRegistered"] = len(self.summary["output"]["partitions"])

    def record_state(self) -> None:
        """After the output is committed: the slice's record, or the incremental run's ledger
        segment. A run killed before this leaves no record: the next backfill reruns the slice
        (a replace, so the same result), the next incremental run re-reads the objects (their
        rows merge into themselves: the job's dropDuplicates keeps one)."""
        committed = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        output = self.summary["output"]
        written = ["/".join("%s=%s" % (c, escape_partition_value(p[c])) for c in self.plan["output"]["partitionBy"]) for p in output["partitions"]]
        fingerprint = input_fingerprint(self.fingerprint)
        self.summary["inputFingerprint"] = fingerprint
        piece = self.plan["output"].get("slice")
        if piece:
            record = {"job": self.plan["job"], "slice": piece["values"], "planHash": self.summary["planHash"], "inputFingerprint": fingerprint, "runId": self.run_id, "committedAt": committed, "rowsWritten": output["rowsWritten"], "partitions": written}
            self.hadoop.write_text(self.state + "slices/" + slice_file_name(piece["key"]), json.dumps(record, indent=2, sort_keys=True) + "\n")
        if self.opts.incremental:
            segment = {"job": self.plan["job"], "runId": self.run_id, "committedAt": committed, "input": self.plan["incremental"]["input"], "root": self.plan["incremental"]["root"], "objects": self.new_objects, "partitions": written}
            self.hadoop.write_text(self.state + "ledger/" + self.run_id + ".json", json.dumps(segment, indent=2, sort_keys=True) + "\n")

    def quarantine(self) -> None:
        if not self.bad_records:
            return
        records = self.bad_records[0]
        for more in self.bad_records[1:]:
            records = records.union(more)
        target = (self.opts.quarantine_location or self.plan["quarantine"]).rstrip("/") + "/" + self.run_id
        records.rdd.map(lambda r: r[0]).coalesce(1).saveAsTextFile(target)
        self.summary["quarantine"] = target

    def count_parquet_inputs(self) -> None:
        """Rows read from Parquet and catalog-table inputs (within their slice's partitions), as
        `etl run` counts them. Parsed inputs are counted as they are parsed; these are counted by
        a Spark job of their own, which reads row counts from the Parquet footers, not the rows.
        Parquet has no bad records: a file the reader cannot decode fails the run."""
        for stats, df in self.uncounted:
            stats["rowsRead"] = df.count()
            stats["badRecords"] = 0

    def execute(self) -> None:
        if self.opts.incremental and not self.plan.get("incremental"):
            raise DriverError(
                "job %s cannot run incrementally: its plan has no incremental section" % self.plan["job"],
                "incremental runs need one file input, a partitioned output written with overwrite-partitions, and a dropDuplicates to merge by",
            )
        if self.opts.incremental and self.plan["output"].get("slice"):
            raise DriverError("--incremental takes no slice: the plan was compiled for %s" % self.plan["output"]["slice"]["key"], "compile the plan without the slice's parameters")
        with timed("inputs"):
            self.load_inputs()
        if self.opts.incremental and not self.new_objects:
            self.summary["incremental"] = {"newFiles": 0, "knownFiles": self.known_files, "existingRows": 0}
            self.summary["rowsRead"] = 0
            self.summary["badRecords"] = 0
            self.summary["status"] = "succeeded"
            return
        if self.opts.register_partitions and not self.spark.catalog.tableExists(self.plan["output"]["table"]):
            raise DriverError(
                "table %s is not in the metastore, so its partitions cannot be registered; nothing was written" % self.plan["output"]["table"],
                "deploy the job first (etl deploy --env <env>), which creates the table",
            )
        with timed("transform"):
            result = self.transform()
        with timed("checks"):
            self.run_checks()
        with timed("write"):
            self.write(result)
        with timed("quarantine"):
            self.quarantine()
        self.record_state()
        if self.opts.register_partitions:
            self.register_partitions()
        with timed("count parquet inputs"):
            self.count_parquet_inputs()
        self.summary["rowsRead"] = sum(i["rowsRead"] for i in self.summary["inputs"])
        self.summary["badRecords"] = sum(i.get("badRecords", 0) for i in self.summary["inputs"])
        self.summary["status"] = "succeeded"
        for df in self.cached:
            df.unpersist()


def bad_record_from(error: BaseException) -> Optional[Dict[str, Any]]:
    """The bad record a 'failfast' input stopped on, from the executor's error text."""
    text = str(error)
    at = text.find(BAD_RECORD_MARKER)
    if at < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, at + len(BAD_RECORD_MARKER))
        return value
    except ValueError:
        return None


def input_error_from(error: BaseException) -> Optional[str]:
    """An InputError raised on an executor comes back inside the JVM's error text."""
    m = re.search(r"InputError: (.*)", str(error))
    return m.group(1).strip() if m else None


def emit(summary: Dict[str, Any], result_uri: Optional[str], hadoop: Optional[Hadoop]) -> None:
    line = json.dumps(summary, ensure_ascii=False, sort_keys=True)
    print(RESULT_MARKER + line, flush=True)
    if result_uri and hadoop is not None:
        hadoop.write_text(result_uri, line + "\n")


def fail(summary: Dict[str, Any], error: DriverError) -> int:
    summary["status"] = "failed"
    summary["error"] = {"phase": error.phase, "message": error.message, **({"hint": error.hint} if error.hint else {})}
    sys.stderr.write("error [%s]: %s\n%s" % (error.phase, error.message, ("  hint: %s\n" % error.hint) if error.hint else ""))
    return error.exit_code


def main(argv: List[str]) -> int:
    try:
        opts = parse_args(argv)
    except DriverError as e:
        sys.stderr.write("%s\n%s" % (e.message, e.hint))
        return e.exit_code
    summary: Dict[str, Any] = {"status": "failed"}
    hadoop: Optional[Hadoop] = None
    try:
        from pyspark.sql import SparkSession

        text = read_plan_text(opts.plan_uri) if is_local_path(opts.plan_uri) else None
        plan = load_plan(text, opts.plan_uri) if text is not None else None
        # The metastore is needed only for catalog tables not replaced by --table (Glue on EMR).
        needs_hive = plan is None or opts.register_partitions or any(i["format"] == "table" and i["table"] not in opts.tables for i in plan["inputs"])
        builder = SparkSession.builder.appName("lakeform %s" % (plan["job"] if plan else opts.plan_uri))
        with timed("spark session"):
            spark = (builder.enableHiveSupport() if needs_hive else builder).getOrCreate()
        hadoop = Hadoop(spark)
        if text is None:
            text = hadoop.read_text(opts.plan_uri)
            plan = load_plan(text, opts.plan_uri)
        digest = check_integrity(opts.plan_uri, text)
        summary = {"job": plan["job"], "planHash": digest, "status": "running"}
        plan = specialize(plan, opts.params)
        check_params(plan, opts.params)
        for key, value in sorted(plan["sessionConf"].items()):
            spark.conf.set(key, value)
        run = Run(spark, plan, opts, digest)
        summary = run.summary
        try:
            run.execute()
        except DriverError:
            raise
        except Exception as e:  # errors raised on executors arrive wrapped by the JVM
            record = bad_record_from(e)
            if record is not None:
                raise InputError(
                    "%s:%d: %s (onBadRecord: 'failfast'); nothing was written" % (record["file"], record["line"], record["reason"]),
                    "fix the record, or set onBadRecord: 'permissive' to quarantine bad records and go on",
                )
            message = input_error_from(e)
            if message is not None:
                raise InputError(message)
            raise
    except DriverError as e:
        code = fail(summary, e)
        emit(summary, opts.result_uri, hadoop)
        return code
    emit(summary, opts.result_uri, hadoop)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
