"""For test/spark/register.test.ts: creates a plan's output table in the local Spark metastore
(Derby, beside the plan), or lists its partitions, and prints them as an ETL_RESULT line.

    spark-submit hive_table.py <plan.json> create|partitions
"""
import json
import sys

from pyspark.sql import SparkSession

plan = json.load(open(sys.argv[1]))
spark = SparkSession.builder.enableHiveSupport().getOrCreate()
out = plan["output"]
db, table = out["table"].split(".")
name = "`%s`.`%s`" % (db, table)
if sys.argv[2] == "create":
    spark.sql("CREATE DATABASE IF NOT EXISTS `%s`" % db)
    columns = ", ".join("`%s` %s" % (c["name"], c["type"]) for c in out["columns"])
    spark.sql("CREATE TABLE %s (%s) USING parquet PARTITIONED BY (%s) LOCATION '%s'" % (name, columns, ", ".join("`%s`" % p for p in out["partitionBy"]), out["location"]))
partitions = [r[0] for r in spark.sql("SHOW PARTITIONS %s" % name).collect()] if spark.catalog.tableExists(out["table"]) else None
print("ETL_RESULT " + json.dumps({"status": "succeeded", "partitions": partitions}))
