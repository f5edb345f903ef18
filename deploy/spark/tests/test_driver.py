"""Unit tests of the driver's pure parts (no Spark needed): arguments, plan loading, value parsing, readers.

    .venv/bin/python -m pytest deploy/spark/tests
"""
import gzip
import hashlib
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import driver  # noqa: E402
from driver import DriverError, InputError, Problem  # noqa: E402


# ---- arguments


def test_parse_args_reads_params_and_local_overrides():
    o = driver.parse_args(["s3://b/etl/artifacts/x/plan.json", "dt=2026-11-01", "--input", "raw=/data/raw", "--table=analytics.events=/wh/events", "--output-location", "/out", "--result-uri", "s3://b/r.json", "note=a=b"])
    assert o.plan_uri == "s3://b/etl/artifacts/x/plan.json"
    assert o.params == {"dt": "2026-11-01", "note": "a=b"}
    assert o.inputs == {"raw": "/data/raw"}
    assert o.tables == {"analytics.events": "/wh/events"}
    assert o.output_location == "/out"
    assert o.result_uri == "s3://b/r.json"
    assert o.quarantine_location is None
    assert o.incremental is False
    o = driver.parse_args(["plan.json", "--incremental", "--state-location", "/state"])
    assert (o.incremental, o.state_location, o.params) == (True, "/state", {})


def test_parse_args_reads_a_glue_job_runs_arguments_and_ignores_glues_own():
    argv = [
        "--JOB_ID", "j_0123", "--JOB_RUN_ID", "jr_abc", "--job-bookmark-option", "job-bookmark-disable",
        "--JOB_NAME", "lakeform-events_clean", "--TempDir", "s3://aws-glue-temp/x", "--enable-glue-datacatalog", "true",
        "--plan-uri", "s3://b/etl/artifacts/h/plan.json", "--result-uri", "s3://b/etl/runs/r.json",
        "--etl-params", '{"dt": "2026-11-01"}', "--etl-run", "etl:events_clean:abc:dt=2026-11-01",
        "--enable-metrics", "--conf", "spark.sql.shuffle.partitions=32 --conf spark.x=y",
    ]
    o = driver.parse_args(argv)
    assert (o.plan_uri, o.result_uri, o.params) == ("s3://b/etl/artifacts/h/plan.json", "s3://b/etl/runs/r.json", {"dt": "2026-11-01"})
    assert o.inputs == {} and o.output_location is None
    with pytest.raises(DriverError, match="--etl-params is not a JSON object"):
        driver.parse_args(["--plan-uri", "p.json", "--etl-params", "dt=1"])


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "a plan URI is required"),
        (["plan.json", "--bogus", "x"], "unknown option --bogus"),
        (["plan.json", "--input"], "--input needs a value"),
        (["plan.json", "--input", "raw"], "expects NAME=PATH"),
        (["plan.json", "dt"], "name=value"),
    ],
)
def test_parse_args_refuses_mistakes_with_usage(argv, message):
    with pytest.raises(DriverError) as e:
        driver.parse_args(argv)
    assert message in e.value.message
    assert "usage:" in e.value.hint


# ---- plan


def plan_text(**overrides):
    plan = {"formatVersion": 2, "job": "j", "params": {"dt": "2026-11-01"}, "sessionConf": {}, "inputs": [], "sql": "SELECT 1", "output": {}, "checks": [], "quarantine": "s3://b/q/", "state": "s3://b/s/"}
    plan.update(overrides)
    return json.dumps(plan, sort_keys=True, separators=(",", ":"))


def test_load_plan_checks_version_and_keys():
    assert driver.load_plan(plan_text(), "plan.json")["job"] == "j"
    with pytest.raises(DriverError, match="plan format 1; this driver reads format 2"):
        driver.load_plan(plan_text(formatVersion=1), "plan.json")
    with pytest.raises(DriverError, match="lacks state"):
        driver.load_plan(json.dumps({k: v for k, v in json.loads(plan_text()).items() if k != "state"}), "plan.json")
    with pytest.raises(DriverError, match="lacks sql"):
        driver.load_plan(json.dumps({k: v for k, v in json.loads(plan_text()).items() if k != "sql"}), "plan.json")
    with pytest.raises(DriverError, match="not valid JSON"):
        driver.load_plan("{", "plan.json")
    with pytest.raises(DriverError, match="expected a JSON object"):
        driver.load_plan("[]", "plan.json")


def test_plan_hash_is_the_hash_etl_plan_reports_and_edits_are_refused():
    text = plan_text() + "\n"
    digest = hashlib.sha256(text.rstrip("\n").encode()).hexdigest()
    assert driver.check_integrity("s3://b/etl/artifacts/%s/plan.json" % digest, text) == digest
    assert driver.check_integrity("/tmp/plan.json", text) == digest  # local files carry no hash folder
    with pytest.raises(DriverError, match="changed after `etl plan`"):
        driver.check_integrity("s3://b/etl/artifacts/%s/plan.json" % ("0" * 64), text)


def test_params_must_match_the_compiled_plan():
    plan = json.loads(plan_text())
    driver.check_params(plan, {"dt": "2026-11-01"})
    with pytest.raises(DriverError, match="compiled for dt=2026-11-01 but the step passes dt=2026-11-02"):
        driver.check_params(plan, {"dt": "2026-11-02"})


# ---- values


UTC = timezone.utc


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01 10:00:00.123456789+02:00", datetime(2026, 11, 1, 8, 0, 0, 123456, tzinfo=UTC)),
        ("2026-11-01t10:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),  # no zone: UTC
        ("2026-11-01T00:30:00+0100", datetime(2026, 10, 31, 23, 30, tzinfo=UTC)),
        ("2024-02-29T23:59:59.5-00:30", datetime(2024, 3, 1, 0, 29, 59, 500000, tzinfo=UTC)),
    ],
)
def test_timestamps_are_iso_8601_in_utc(text, expected):
    # Spark's internal timestamp: microseconds since the epoch.
    assert driver.parse_timestamp(text) == (expected - driver.EPOCH) // timedelta(microseconds=1)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2026-11-31T10:00:00Z", "November 2026 has no day 31"),
        ("2026-11-01T24:00:00Z", "write 00:00 of the next day"),
        ("2026-11-01T10:00:60Z", "leap seconds"),
        ("2026-11-01T10:00:00+19:00", "beyond ±18:00"),
        ("2026-11-01", "a date without a time of day"),
        ("2026-11-01T10:00:00.1234567890Z", "more than 9 fractional digits"),
        ("11/01/2026 10:00", "not an ISO-8601 timestamp"),
        ("0000-01-01T00:00:00Z", "outside the years 0001-9999"),
    ],
)
def test_impossible_timestamps_say_why(text, reason):
    r = driver.parse_timestamp(text)
    assert isinstance(r, Problem) and reason in r.reason


def test_timestamp_micros_before_1970_round_toward_the_past():
    assert driver.parse_timestamp("1969-12-31T23:59:59.9999999Z") == -1


def test_timestamps_span_the_years_0001_to_9999_and_no_more():
    assert driver.parse_timestamp("0001-01-01T00:00:00Z") == driver.MIN_MICROS
    assert driver.parse_timestamp("9999-12-31T23:59:59.999999Z") == driver.MAX_MICROS
    assert "outside the years 0001-9999" in driver.parse_timestamp("0001-01-01T00:00:00+00:01").reason
    assert "outside the years 0001-9999" in driver.parse_timestamp("9999-12-31T23:59:59-00:01").reason


def test_dates_integers_decimals_booleans():
    assert driver.parse_date("2024-02-29") == (date(2024, 2, 29) - date(1970, 1, 1)).days  # Spark's internal date
    assert driver.parse_date("1969-12-31") == -1
    assert "has no day 29" in driver.parse_date("2023-02-29").reason
    assert driver.parse_int("9223372036854775807", 64) == 2 ** 63 - 1
    assert "out of the bigint range" in driver.parse_int("9223372036854775808", 64).reason
    assert "out of the int range" in driver.parse_int("2147483648", 32).reason
    assert "fractional number 1.5" in driver.parse_int("1.5", 64).reason
    assert "spaces around the digits" in driver.parse_int(" 1", 32).reason
    assert driver.parse_decimal("2.345", 10, 2) == Decimal("2.35")  # HALF_UP
    assert driver.parse_decimal("-2.345", 10, 2) == Decimal("-2.35")
    assert driver.parse_decimal("1e2", 5, 2) == Decimal("100.00")
    assert "does not fit decimal(4,2)" in driver.parse_decimal("100", 4, 2).reason
    assert "does not fit decimal(4,2)" in driver.parse_decimal("99.995", 4, 2).reason
    assert driver.parse_bool("TRUE", True) is True
    assert isinstance(driver.parse_bool("TRUE", False), Problem)
    assert driver.parse_float("-Infinity") == float("-inf")
    assert isinstance(driver.parse_float("1,5"), Problem)


# ---- JSON lines

FIELDS = [
    {"name": "id", "type": {"kind": "int64"}, "nullable": False},
    {"name": "kind", "type": {"kind": "string"}, "nullable": True, "enumValues": ["a", "b"]},
    {"name": "note", "type": {"kind": "string"}, "nullable": True},
    {"name": "tags", "type": {"kind": "map", "key": {"kind": "string"}, "value": {"kind": "int32"}, "valueContainsNull": True}, "nullable": True},
    {"name": "device", "type": {"kind": "struct", "fields": [{"name": "os", "type": {"kind": "string"}, "nullable": False}]}, "nullable": True},
]


def record(line):
    return driver.JsonRecordReader(FIELDS).read(line)


def test_json_records_fit_the_schema():
    assert record('{"id": 12345678901234567890123, "kind": "a"}').reason.startswith("id: 12345678901234567890123 is out of the bigint range")
    assert record('{"id": 9007199254740993}') == (9007199254740993, None, None, None, None)
    assert record('{"id": 1, "id": 2, "kind": "b"}') == (2, "b", None, None, None)  # the last duplicate wins
    # A non-string value in a string column is its compact JSON text, numbers as written, keys in JavaScript order.
    assert record('{"id": 1, "note": {"b": 1.50, "2": true, "1": null}}')[2] == '{"1":null,"2":true,"b":1.50}'
    # A map is its entries, in JavaScript order (a dict would reach Spark as a java.util.HashMap, in hash order).
    assert record('{"id": 1, "tags": {"z": 1, "10": 2, "9": 3, "b": 4}}')[3] == [("9", 3), ("10", 2), ("z", 1), ("b", 4)]
    assert record('{"id": 1, "device": {"os": "ios"}}')[4] == ("ios",)


@pytest.mark.parametrize(
    "line, reason",
    [
        ('[{"id": 1}]', "expected a JSON object, got an array"),
        ('{"id": 1}{"id": 2}', "invalid JSON"),
        ('{"id": NaN}', "invalid JSON"),
        ("{'id': 1}", "invalid JSON"),
        ('{"id": 1,}', "invalid JSON"),
        ('{"kind": "a"}', "missing required field id"),
        ('{"id": null}', "id: required field is null"),
        ('{"id": "7"}', 'id: expected bigint, got string "7"'),
        ('{"id": 1, "kind": "c"}', 'kind: "c" is not one of a, b'),
        ('{"id": 1, "device": {}}', "device.os: missing required field"),
        ('{"id": 1, "tags": {"x": 1.5}}', "tags.x: expected int, got a fractional number 1.5"),
        ('{"id": 1, "note": "tab\there"}', "invalid JSON"),
    ],
)
def test_bad_json_records_say_why(line, reason):
    r = record(line)
    assert isinstance(r, Problem), r
    assert reason in r.reason


def test_json_lines_files_gzip_bom_crlf_blank_lines_and_bad_utf8():
    body = b'\xef\xbb\xbf{"id": 1}\r\n\n   \n{"id": 2}\n\xff{"id": 3}\n{"id": 4}'
    data = gzip.compress(body[:20]) + gzip.compress(body[20:])  # two gzip members, as Firehose concatenates
    out = list(driver.json_lines_file("raw", "s3://b/f", data, FIELDS))
    assert [t for t, _ in out] == [0, 0, 1, 0]
    assert out[2][1]["line"] == 5 and out[2][1]["reason"] == "the line is not valid UTF-8"
    assert out[3][1][0] == 4
    with pytest.raises(InputError, match="gzip stream is damaged"):
        list(driver.json_lines_file("raw", "s3://b/f", gzip.compress(body)[:-12], FIELDS))


# ---- CSV

CSV_FIELDS = [
    {"name": "id", "type": {"kind": "int32"}, "nullable": False},
    {"name": "name", "type": {"kind": "string"}, "nullable": True},
    {"name": "score", "type": {"kind": "decimal", "precision": 5, "scale": 1}, "nullable": True},
]


def read_csv(text, **options):
    return list(driver.csv_file("users", "/f.csv", text.encode(), CSV_FIELDS, {"delimiter": ",", "quote": '"', **options}))


def test_csv_quoted_empty_is_an_empty_string_and_empty_is_null():
    out = read_csv('ID,Name,score\n1,"",\n2,,1.25\n\n3,"a ""b""\nc",NA\n', nullValue="NA")
    assert out == [(0, (1, "", None)), (0, (2, None, Decimal("1.3"))), (0, (3, 'a "b"\nc', None))]


def test_csv_bad_records_and_broken_files():
    out = read_csv("id,name\nx,a\n1\n,b\n")
    assert [(t, v["line"], v["reason"]) for t, v in out] == [
        (1, 2, 'id: expected int, got "x"'),
        (1, 3, "expected 2 fields, found 1"),
        (1, 4, "id: required field is empty"),
    ]
    assert read_csv('id\n1\n"2\n3\n')[-1][1]["reason"].startswith("a quoted field is never closed")
    with pytest.raises(InputError, match="lacks required column id"):
        read_csv("name\na\n")
    with pytest.raises(InputError, match="names column 'ID' twice"):
        read_csv("id,ID\n1,2\n")
    with pytest.raises(InputError, match="no header row"):
        read_csv("")
    # A stray quote is one bad record, and the rest of the file is read on.
    out = read_csv('id,name\n1,a"b\n2,"c"d\n3,ok\n')
    assert [(t, v["line"] if t else v) for t, v in out] == [
        (1, 2),
        (1, 3),
        (0, (3, "ok", None)),
    ]
    assert out[0][1]["reason"] == "field 2 has a quote inside an unquoted value: quote the whole field and double the quotes in it"
    assert out[1][1]["reason"] == "field 2 has text after its closing quote: quote the whole field and double the quotes in it"


def test_csv_line_endings_lf_crlf_and_cr_alone_read_alike():
    for nl in ("\n", "\r\n", "\r"):
        out = read_csv(nl.join(["id,name", "1,a", "", '2,"b', 'c"', "x,d"]) + nl)
        # an embedded line break is counted as a line when it is LF (as the local reader counts)
        assert [(t, v if t == 0 else v["line"]) for t, v in out] == [(0, (1, "a", None)), (0, (2, "b" + nl + "c", None)), (1, 6 if nl != "\r" else 5)], nl


def test_failfast_stops_on_the_first_bad_record():
    spec = {"name": "users", "format": "csv", "fields": CSV_FIELDS, "badRecordMode": "failfast", "csv": {}}
    with pytest.raises(ValueError) as e:
        list(driver.read_file(spec, "/f.csv", b"id\n1\nx\n"))
    assert driver.bad_record_from(e.value)["line"] == 3


# ---- input files


def test_input_files_skip_hidden_parts_and_keep_path_order():
    listed = ["s3://b/raw/2026/11/01/10/b.gz", "s3://b/raw/_SUCCESS", "s3://b/raw/2026/11/01/09/a", "s3://b/raw/.tmp/x.gz", "s3://b/raw/2026/11/01/09/notes.md", "s3://b/raw/2026/11/01/10/a.jsonl"]
    assert driver.select_input_files("s3://b/raw/", listed, "jsonl") == ["s3://b/raw/2026/11/01/09/a", "s3://b/raw/2026/11/01/10/a.jsonl", "s3://b/raw/2026/11/01/10/b.gz"]
    assert driver.hadoop_path_list(["s3://b/x[1].gz", "s3://b/{y}.gz"]) == "s3://b/x\\[1\\].gz,s3://b/\\{y\\}.gz"
    with pytest.raises(InputError, match="commas"):
        driver.hadoop_path_list(["s3://b/a,b.gz"])


def test_files_are_cut_into_runs_of_about_equal_size_in_path_order():
    files = [("a", 10), ("b", 10), ("c", 30), ("d", 10), ("e", 20), ("f", 20)]
    assert driver.file_groups(files, 4) == [["a", "b", "c"], ["d"], ["e"], ["f"]]
    assert driver.file_groups(files, 2) == [["a", "b", "c"], ["d", "e", "f"]]
    assert driver.file_groups(files, 1) == [["a", "b", "c", "d", "e", "f"]]
    assert driver.file_groups([("x", 0), ("y", 0), ("z", 0)], 2) == [["x"], ["y", "z"]]
    assert driver.file_groups([("x", 5)], 8) == [["x"]]


def test_parsed_rows_carry_the_record_or_the_bad_record_and_the_lenient_nulls():
    fields = [{"name": "id", "type": {"kind": "int64"}, "nullable": False}, {"name": "n", "type": {"kind": "int32"}, "nullable": True, "lenient": True}]
    spec = {"name": "raw", "format": "jsonl", "fields": fields, "badRecordMode": "permissive"}
    rows = list(driver.parsed_rows(spec, "/f.jsonl", b'{"id": 1, "n": "x"}\n{"id": "no"}\n{"id": 2, "n": 3}\n'))
    assert rows[0] == (1, None, None, ["n"])
    assert rows[1][:2] == (None, None) and json.loads(rows[1][2])["line"] == 2 and rows[1][3] is None
    assert rows[2] == (2, 3, None, None)


def test_the_parsed_inputs_extra_columns_never_take_a_fields_name():
    fields = [{"name": n, "type": {"kind": "string"}, "nullable": True} for n in ["id", "__LAKEFORM_bad_record", "__lakeform_lenient_nulls"]]
    names = [f.name.lower() for f in driver.parsed_schema(fields).fields]
    assert len(names) == len(set(names)) == 5
    assert driver.bookkeeping_columns(fields) == ("__lakeform_bad_record_", "__lakeform_lenient_nulls_")
    assert driver.bookkeeping_columns(fields[:1]) == ("__lakeform_bad_record", "__lakeform_lenient_nulls")


def test_every_duplicate_value_must_fit_though_the_last_one_wins():
    assert record('{"id": 1, "id": 2}')[0] == 2
    assert "id: 9223372036854775808 is out of the bigint range" in record('{"id": 9223372036854775808, "id": 2}').reason
    assert "device.os: required field is null" in record('{"id": 1, "device": {"os": null, "os": "a"}}').reason
    assert "tags.x: expected int" in record('{"id": 1, "tags": {"x": "no", "x": 1}}').reason


# ---- slices and run state


def test_partition_paths_escape_and_unescape_as_hive_does():
    assert driver.escape_partition_value("a/b=c%") == "a%2Fb%3Dc%25"
    assert driver.escape_partition_value(None) == driver.escape_partition_value("") == "__HIVE_DEFAULT_PARTITION__"
    assert driver.escape_partition_value("héllo wörld") == "héllo wörld"
    assert driver.partition_values("dt=2026-11-01/x=a%2Fb/part-0.parquet") == {"dt": "2026-11-01", "x": "a/b"}
    assert driver.partition_values("dt=__HIVE_DEFAULT_PARTITION__/f.parquet") == {"dt": None}


def test_input_keys_are_relative_to_the_root_and_the_fingerprint_is_order_independent():
    assert driver.relative_key("s3://b/raw/events", "s3://b/raw/events/2026/11/01/00/x.gz") == "2026/11/01/00/x.gz"
    assert driver.relative_key("file:/data/raw/", "file:/data/raw/a.gz") == "a.gz"
    a = ["raw\t2026/11/01/00/x.gz\t10\t1000", "raw\t2026/11/01/01/y.gz\t20\t2000"]
    assert driver.input_fingerprint(a) == driver.input_fingerprint(list(reversed(a)))
    assert driver.input_fingerprint(a) != driver.input_fingerprint(a[:1])
    # The same digest as framework/slices/state.ts computes (sha256 of the sorted lines joined by newlines).
    assert driver.input_fingerprint(a) == hashlib.sha256("\n".join(sorted(a)).encode()).hexdigest()


def test_slice_records_are_named_by_the_slice():
    assert driver.slice_file_name("dt=2026-11-01") == "dt=2026-11-01.json"
    assert driver.slice_file_name("dt=2026-11-01/region=eu") == "dt=2026-11-01,region=eu.json"


def test_only_lines_that_can_hold_a_lone_surrogate_or_too_deep_a_value_are_walked():
    assert not driver.may_have_tree_problem('{"a": [1, {"b": "\\u00e9 \\u2603"}]}')
    assert record('{"id": 1, "note": "\\ud83d\\ude00"}')[2] == "\U0001f600"  # a pair is walked, and fine
    assert driver.may_have_tree_problem('{"a": "\\udc00"}')
    assert driver.may_have_tree_problem('{"a": ' + "[" * 64 + "]" * 64 + "}")
    assert "unpaired surrogate" in record('{"id": 1, "note": "x\\ud800"}').reason
    assert "nesting deeper than 64" in record('{"id": 1, "note": ' + "[" * 65 + "]" * 65 + "}").reason
    assert record('{"id": 1, "note": ' + "[" * 64 + "]" * 64 + "}")[0] == 1
