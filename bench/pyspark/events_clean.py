"""events_clean by hand: Firehose gzip JSON lines -> non-null event_id, UTC day, cleaned currency
and page, one row per event_id (earliest ts). Records Spark's JSON reader cannot read, or that
miss a required field, go to the quarantine with their file (Spark's reader cannot tell the line)."""
from pyspark import StorageLevel
from pyspark.sql import Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from common import arguments, check, not_null, session, write

EVENT_TYPES = ["view", "click", "add_to_cart", "purchase"]
RAW = T.StructType([
    T.StructField("event_id", T.StringType()),
    T.StructField("user_id", T.LongType()),
    T.StructField("event_type", T.StringType()),
    T.StructField("ts", T.StringType()),
    T.StructField("amount", T.DoubleType()),
    T.StructField("currency", T.StringType()),
    T.StructField("page", T.StringType()),
    T.StructField("device", T.StructType([T.StructField("os", T.StringType()), T.StructField("app_version", T.StringType())])),
    T.StructField("properties", T.MapType(T.StringType(), T.StringType())),
    T.StructField("_corrupt_record", T.StringType()),
])

args = arguments("raw", "out", "quarantine")
spark = session("events_clean")
raw = (
    spark.read.schema(RAW)
    .option("recursiveFileLookup", "true")
    .option("allowNonNumericNumbers", "false")
    .option("allowSingleQuotes", "false")
    .json(args.raw)
    .withColumn("ts", F.col("ts").cast("timestamp"))
    .withColumn("file", F.input_file_name())
)
valid = "_corrupt_record IS NULL AND user_id IS NOT NULL AND ts IS NOT NULL AND event_type IN (%s)" % ", ".join("'%s'" % t for t in EVENT_TYPES)
raw = raw.withColumn("valid", F.coalesce(F.expr(valid), F.lit(False))).persist(StorageLevel.MEMORY_AND_DISK)
bad = raw.where("NOT valid")
bad_records = bad.count()
if bad_records:
    bad.select("file", "_corrupt_record").write.mode("overwrite").json(args.quarantine)

clean = (
    raw.where("valid AND event_id IS NOT NULL")
    .select(
        "event_id", "user_id", "event_type", "ts", "amount",
        F.upper(F.trim("currency")).alias("currency"),
        F.expr("nullif(trim(page), '')").alias("page"),
        "device", "properties",
        F.to_date("ts").alias("dt"),
    )
)
first = Window.partitionBy("event_id").orderBy("ts")
out = clean.withColumn("n", F.row_number().over(first)).where("n = 1").drop("n").persist(StorageLevel.MEMORY_AND_DISK)
check(out, {
    **not_null(["event_id", "user_id", "event_type", "ts", "dt"]),
    "unique(event_id)": "count(event_id) - count(DISTINCT event_id)",
    "acceptedValues(event_type)": "count_if(event_type NOT IN (%s))" % ", ".join("'%s'" % t for t in EVENT_TYPES),
    "rowCount(min 1)": "CASE WHEN count(*) < 1 THEN 1 ELSE 0 END",
}, {"amount is non-negative": "count_if(amount < 0)"})
write(out, args.out, {"badRecords": bad_records})
