-- events_clean by hand in DuckDB SQL (not compiled by lakeform): Firehose gzip JSON lines ->
-- non-null event_id, UTC day, cleaned currency and page, one row per event_id (earliest ts).
-- Timestamps are parsed as TIMESTAMPTZ (any UTC offset) with the session time zone UTC.
COPY (
  SELECT event_id, user_id, event_type, ts, amount,
         upper(trim(currency)) AS currency,
         nullif(trim(page), '') AS page,
         device, properties,
         CAST(ts AS DATE) AS dt
  FROM (
    SELECT event_id, user_id, event_type, CAST(ts AS TIMESTAMPTZ) AS ts, amount, currency, page, device, properties
    FROM read_json({{raw}}, format = 'newline_delimited', compression = 'gzip',
                   columns = {
                     event_id: 'VARCHAR', user_id: 'BIGINT', event_type: 'VARCHAR', ts: 'VARCHAR',
                     amount: 'DOUBLE', currency: 'VARCHAR', page: 'VARCHAR',
                     device: 'STRUCT(os VARCHAR, app_version VARCHAR)', properties: 'MAP(VARCHAR, VARCHAR)'
                   })
    WHERE event_id IS NOT NULL
  )
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY ts) = 1
) TO {{out}} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (dt));
