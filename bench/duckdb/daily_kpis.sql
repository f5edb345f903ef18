-- daily_kpis by hand: events left-joined to the users dimension, per UTC day and country.
COPY (
  SELECT e.dt,
         coalesce(u.country, 'unknown') AS country,
         count(DISTINCT e.user_id) AS active_users,
         count(*) AS events,
         CAST(sum(CASE WHEN e.event_type = 'purchase' THEN 1 ELSE 0 END) AS BIGINT) AS purchases,
         coalesce(sum(CASE WHEN e.event_type = 'purchase' THEN e.amount END), 0.0) AS revenue
  FROM read_parquet({{events}}, hive_partitioning = true) AS e
  LEFT JOIN read_csv({{users}}, header = true, quote = '"', escape = '"',
                     columns = { user_id: 'BIGINT', name: 'VARCHAR', country: 'VARCHAR', signup_date: 'DATE', plan: 'VARCHAR' }) AS u
    ON e.user_id = u.user_id
  GROUP BY e.dt, coalesce(u.country, 'unknown')
) TO {{out}} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt));
