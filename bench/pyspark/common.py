"""What the three hand-written reference jobs share: arguments, the session, the checks and the write.

Written by hand, as a data team would write these jobs in PySpark, independently of lakeform's
compiler and driver: bench/spark.ts runs them beside the driver on the same data and settings and
compares their outputs by checksum. A job fails (exit 1) when an error-severity check fails,
before it writes anything, as the driver does.
"""
import argparse
import json
import sys
from typing import Dict, List, Optional

from pyspark.sql import DataFrame, SparkSession


def arguments(*names: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    for name in names:
        parser.add_argument("--" + name, required=True)
    return parser.parse_args()


def session(job: str) -> SparkSession:
    spark = SparkSession.builder.appName("reference %s" % job).getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    return spark


def check(df: DataFrame, errors: Dict[str, str], warnings: Optional[Dict[str, str]] = None) -> Dict[str, int]:
    """All checks in one aggregate over df, each a SQL aggregate counting its failing rows (name ->
    SQL); failing rows of `errors` fail the job, those of `warnings` are only counted."""
    failing = {**errors, **(warnings or {})}
    row = df.selectExpr(*["CAST(%s AS BIGINT) AS `%s`" % (sql, name) for name, sql in failing.items()]).first()
    counts = {name: int(row[name] or 0) for name in failing}
    bad = [name for name in errors if counts[name]]
    if bad:
        sys.stderr.write("checks failed: %s\n" % ", ".join("%s (%d rows)" % (n, counts[n]) for n in bad))
        sys.exit(1)
    return counts


def not_null(columns: List[str]) -> Dict[str, str]:
    return {"%s not null" % c: "count_if(%s IS NULL)" % c for c in columns}


def write(df: DataFrame, out: str, summary: Dict[str, object]) -> None:
    rows = df.count()
    df.write.mode("overwrite").partitionBy("dt").option("compression", "snappy").parquet(out)
    print("REFERENCE_RESULT " + json.dumps({**summary, "rowsWritten": rows}), flush=True)
