"""Runs the function case files' queries on local Spark, for test/spark/function-cases.test.ts.

    python function_cases.py QUERIES.json RESULTS.json

QUERIES.json: {"sessionConf": {...}, "queries": [{"columns": [[name, spark type]], "rows": [[SQL literal, ...]],
"sql": "SELECT id, ... FROM t"}]}; sessionConf is the Spark configuration the compiled jobs run with.
Each query's table `t` is created from its rows, then its SQL runs. RESULTS.json holds, per query,
{"rows": [[cell, ...]]} or {"error": message}. Cells are JSON-safe and exact: integers beyond 2^53
and decimals as text, NaN/Infinity/-0.0 as text (the SQL reads timestamps as unix_micros and dates
as unix_date: Python datetimes would take the Python process's zone, and stop at year 9999).
"""
import decimal
import json
import math
import sys

from pyspark.sql import SparkSession


def cell(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        if v == 0 and math.copysign(1, v) < 0:
            return "-0.0"
        return v
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, (list, tuple)):  # arrays, and structs (a Row is a tuple of the field values)
        return [cell(x) for x in v]
    if isinstance(v, dict):  # maps, as [key, value] pairs in Spark's order
        return [[cell(k), cell(x)] for k, x in v.items()]
    raise TypeError("no JSON form for %r" % (v,))


def error_text(e):
    """The Java exception's class and message where there is one (Py4J's own first line says only 'An error occurred')."""
    java = getattr(e, "java_exception", None)
    text = java.toString() if java is not None else str(e)
    return text.strip().splitlines()[0][:2000]


def main(queries_path, results_path):
    with open(queries_path, encoding="utf-8") as f:
        spec = json.load(f)
    builder = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
    for key, value in spec["sessionConf"].items():
        builder = builder.config(key, value)
    spark = (
        builder
        # Without this rule Spark would evaluate a projection over the small in-memory table while
        # optimizing (interpreted, folded): the calls must run as they run over real data.
        .config("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.ConvertToLocalRelation")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    results = []
    for q in spec["queries"]:
        names = ", ".join("`%s`" % name for name, _ in q["columns"])
        try:
            if q["rows"]:
                values = ", ".join("(%s)" % ", ".join(r) for r in q["rows"])
                spark.sql("SELECT * FROM VALUES %s AS t(%s)" % (values, names)).createOrReplaceTempView("t")
            else:
                ddl = ", ".join("`%s` %s" % (name, t) for name, t in q["columns"])
                spark.createDataFrame([], ddl).createOrReplaceTempView("t")
            results.append({"rows": [[cell(x) for x in row] for row in spark.sql(q["sql"]).collect()]})
        except Exception as e:  # one query's failure is that query's result
            results.append({"error": error_text(e)})
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump(results, f)


main(sys.argv[1], sys.argv[2])
