"""user_sessions by hand: a new session when a user's previous event (by ts, event_id) is more than
30 minutes earlier, to the microsecond; named by its user and start; duration in whole seconds."""
from pyspark import StorageLevel
from pyspark.sql import Window
from pyspark.sql import functions as F

from common import arguments, check, not_null, session, write

args = arguments("events", "out")
spark = session("user_sessions")
events = spark.read.parquet(args.events)
by_user = Window.partitionBy("user_id").orderBy("ts", "event_id")
us = F.expr("unix_micros(ts)")
flagged = events.withColumn("prev_us", F.lag(us).over(by_user)).withColumn(
    "new_session", F.when(F.col("prev_us").isNull() | (us - F.col("prev_us") > 30 * 60 * 1_000_000), 1).otherwise(0)
)
numbered = flagged.withColumn("session_number", F.sum("new_session").over(by_user.rowsBetween(Window.unboundedPreceding, Window.currentRow)))
sessions = (
    numbered.groupBy("user_id", "session_number")
    .agg(
        F.min("ts").alias("session_start"),
        F.max("ts").alias("session_end"),
        F.count(F.lit(1)).alias("events"),
        F.sum(F.when(F.col("event_type") == "view", 1).otherwise(0)).cast("bigint").alias("page_views"),
        F.sum(F.when(F.col("event_type") == "purchase", 1).otherwise(0)).cast("bigint").alias("purchases"),
        F.coalesce(F.sum(F.when(F.col("event_type") == "purchase", F.col("amount"))), F.lit(0.0)).alias("revenue"),
    )
    .select(
        "user_id",
        F.concat_ws("-", F.col("user_id").cast("string"), F.date_format("session_start", "yyyyMMddHHmmssSSSSSS")).alias("session_id"),
        "session_start", "session_end",
        F.expr("(unix_micros(session_end) - unix_micros(session_start)) div 1000000").alias("duration_seconds"),
        "events", "page_views", "purchases", "revenue",
        F.to_date("session_start").alias("dt"),
    )
    .persist(StorageLevel.MEMORY_AND_DISK)
)
check(sessions, {
    **not_null(["user_id", "session_id", "session_start", "session_end", "duration_seconds", "events", "page_views", "purchases", "revenue", "dt"]),
    "unique(session_id)": "count(session_id) - count(DISTINCT session_id)",
    "rowCount(min 1)": "CASE WHEN count(*) < 1 THEN 1 ELSE 0 END",
})
write(sessions, args.out, {})
