"""Decimal arithmetic and aggregates on local Spark, for test/spark/decimals.test.ts.

    python decimal_ops.py < cases.json  ->  {"ops": [[type, value], ...], "aggs": [[type, value], ...]}

cases.json: {"ops": [{"op", "a", "ta", "b", "tb"}], "aggs": [{"fn", "t", "values": [...]}]}; values are
decimal text, types Spark DDL names (decimal(38,10), int, bigint). Results as Spark's typeof() and
CAST(... AS STRING)."""
import json
import sys

from pyspark.sql import SparkSession


def main():
    cases = json.load(sys.stdin)
    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    ops = []
    for c in cases["ops"]:
        expr = "CAST('%s' AS %s) %s CAST('%s' AS %s)" % (c["a"], c["ta"], c["op"], c["b"], c["tb"])
        ops.append("typeof(%s)" % expr)
        ops.append("CAST(%s AS STRING)" % expr)
    out_ops = []
    # One query per chunk of cases (Spark plans a few hundred expressions at a time comfortably);
    # when Spark fails a chunk (an ArithmeticException), its cases one by one, the failing ones
    # reported as ["error", message].
    for i in range(0, len(ops), 200):
        chunk = ops[i:i + 200]
        try:
            out_ops.extend(list(spark.sql("SELECT " + ", ".join(chunk)).first()))
        except Exception:
            for k in range(0, len(chunk), 2):
                try:
                    out_ops.extend(list(spark.sql("SELECT %s, %s" % (chunk[k], chunk[k + 1])).first()))
                except Exception as e:
                    out_ops.extend(["error", str(e).splitlines()[0].split(": ")[-1]])
    aggs = []
    for c in cases["aggs"]:
        values = " UNION ALL ".join("SELECT CAST(%s AS %s) AS x" % ("NULL" if v is None else "'%s'" % v, c["t"]) for v in c["values"])
        row = spark.sql("SELECT typeof(%s(x)), CAST(%s(x) AS STRING) FROM (%s)" % (c["fn"], c["fn"], values)).first()
        aggs.append([row[0], row[1]])
    json.dump({"ops": [[out_ops[2 * i], out_ops[2 * i + 1]] for i in range(len(cases["ops"]))], "aggs": aggs}, sys.stdout)


main()
