"""daily_kpis by hand: events left-joined to the users dimension (CSV), per UTC day and country."""
from pyspark import StorageLevel
from pyspark.sql import functions as F
from pyspark.sql import types as T

from common import arguments, check, not_null, session, write

USERS = T.StructType([
    T.StructField("user_id", T.LongType()),
    T.StructField("name", T.StringType()),
    T.StructField("country", T.StringType()),
    T.StructField("signup_date", T.DateType()),
    T.StructField("plan", T.StringType()),
])

args = arguments("events", "users", "out")
spark = session("daily_kpis")
events = spark.read.parquet(args.events)
users = spark.read.schema(USERS).option("header", "true").option("multiLine", "true").option("escape", '"').option("enforceSchema", "false").csv(args.users)
purchase = F.col("event_type") == "purchase"
kpis = (
    events.join(users.select("user_id", "country"), "user_id", "left")
    .withColumn("country", F.coalesce("country", F.lit("unknown")))
    .groupBy("dt", "country")
    .agg(
        F.countDistinct("user_id").alias("active_users"),
        F.count(F.lit(1)).alias("events"),
        F.sum(F.when(purchase, 1).otherwise(0)).cast("bigint").alias("purchases"),
        F.coalesce(F.sum(F.when(purchase, F.col("amount"))), F.lit(0.0)).alias("revenue"),
    )
    .persist(StorageLevel.MEMORY_AND_DISK)
)
check(kpis, {
    **not_null(["country", "active_users", "events", "purchases", "revenue", "dt"]),
    "unique(dt, country)": "count(*) - count(DISTINCT dt, country)",
    "rowCount(min 1)": "CASE WHEN count(*) < 1 THEN 1 ELSE 0 END",
    "purchases never exceed events": "count_if(NOT coalesce(purchases <= events, false))",
})
write(kpis, args.out, {})
