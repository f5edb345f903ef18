-- user_sessions by hand: a new session when a user's previous event (by ts, event_id) is more
-- than 30 minutes earlier, to the microsecond; a session is named by its user and start
-- (yyyyMMddHHmmss and microseconds); its duration is the elapsed time in whole seconds.
COPY (
  WITH events AS (
    SELECT user_id, event_id, ts, event_type, amount, epoch_us(ts) AS us
    FROM read_parquet({{events}}, hive_partitioning = true)
  ), flagged AS (
    SELECT *, CASE WHEN lag(us) OVER w IS NULL OR us - lag(us) OVER w > 1800000000 THEN 1 ELSE 0 END AS new_session
    FROM events
    WINDOW w AS (PARTITION BY user_id ORDER BY ts, event_id)
  ), numbered AS (
    SELECT *, sum(new_session) OVER (PARTITION BY user_id ORDER BY ts, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_number
    FROM flagged
  )
  SELECT user_id,
         CAST(user_id AS VARCHAR) || '-' || strftime(min(ts), '%Y%m%d%H%M%S%f') AS session_id,
         min(ts) AS session_start,
         max(ts) AS session_end,
         CAST((max(us) - min(us)) // 1000000 AS BIGINT) AS duration_seconds,
         count(*) AS events,
         CAST(sum(CASE WHEN event_type = 'view' THEN 1 ELSE 0 END) AS BIGINT) AS page_views,
         CAST(sum(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS BIGINT) AS purchases,
         coalesce(sum(CASE WHEN event_type = 'purchase' THEN amount END), 0.0) AS revenue,
         CAST(min(ts) AS DATE) AS dt
  FROM numbered
  GROUP BY user_id, session_number
) TO {{out}} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt));
