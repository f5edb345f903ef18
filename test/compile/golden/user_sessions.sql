WITH
  -- input 'events'
  step_1 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM `input_events`
  ),
  -- withColumn #1 (jobs/user_sessions.ts:29:8)
  step_2 AS (
    SELECT *, lag(`ts`, 1, NULL) OVER (PARTITION BY `user_id` ORDER BY `ts` ASC NULLS FIRST, `event_id` ASC NULLS FIRST) AS `__window_0` FROM step_1
  ),
  -- withColumn #1 (jobs/user_sessions.ts:29:8)
  step_3 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, `__window_0`, `__window_0` AS `prev_ts` FROM step_2
  ),
  -- withColumn #1 (jobs/user_sessions.ts:29:8)
  step_4 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, `prev_ts` FROM step_3
  ),
  -- withColumn #2 (jobs/user_sessions.ts:30:8)
  step_5 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, `prev_ts`, CASE WHEN ((`prev_ts` IS NULL) OR ((unix_micros(`ts`) - unix_micros(`prev_ts`)) > 1800000000)) THEN 1 ELSE 0 END AS `new_session` FROM step_4
  ),
  -- withColumn #3 (jobs/user_sessions.ts:35:8)
  step_6 AS (
    SELECT *, sum(`new_session`) OVER (PARTITION BY `user_id` ORDER BY `ts` ASC NULLS FIRST, `event_id` ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `__window_1` FROM step_5
  ),
  -- withColumn #3 (jobs/user_sessions.ts:35:8)
  step_7 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, `prev_ts`, `new_session`, `__window_1`, `__window_1` AS `session_number` FROM step_6
  ),
  -- withColumn #3 (jobs/user_sessions.ts:35:8)
  step_8 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, `prev_ts`, `new_session`, `session_number` FROM step_7
  ),
  -- groupBy #1 (jobs/user_sessions.ts:37:8)
  step_9 AS (
    SELECT `user_id` AS `user_id`, `session_number` AS `session_number`, min(`ts`) AS `__agg_0`, max(`ts`) AS `__agg_1`, max(`ts`) AS `__agg_2`, min(`ts`) AS `__agg_3`, count(*) AS `__agg_4`, sum(CASE WHEN (`event_type` = 'view') THEN 1 ELSE 0 END) AS `__agg_5`, sum(CASE WHEN (`event_type` = 'purchase') THEN 1 ELSE 0 END) AS `__agg_6`, sum(CASE WHEN (`event_type` = 'purchase') THEN `amount` END) AS `__agg_7` FROM step_8 GROUP BY `user_id`, `session_number`
  ),
  -- groupBy #1 (jobs/user_sessions.ts:37:8)
  step_10 AS (
    SELECT `user_id`, `session_number`, `__agg_0` AS `session_start`, `__agg_1` AS `session_end`, ((unix_micros(`__agg_2`) - unix_micros(`__agg_3`)) div 1000000) AS `duration_seconds`, `__agg_4` AS `events`, `__agg_5` AS `page_views`, `__agg_6` AS `purchases`, coalesce(`__agg_7`, CAST(0 AS DOUBLE)) AS `revenue` FROM step_9
  ),
  -- withColumn #4 (jobs/user_sessions.ts:48:8)
  step_11 AS (
    SELECT `user_id`, `session_number`, `session_start`, `session_end`, `duration_seconds`, `events`, `page_views`, `purchases`, `revenue`, concat_ws('-', CAST(`user_id` AS STRING), date_format(`session_start`, 'yyyyMMddHHmmssSSSSSS')) AS `session_id` FROM step_10
  ),
  -- withColumn #5 (jobs/user_sessions.ts:49:8)
  step_12 AS (
    SELECT `user_id`, `session_number`, `session_start`, `session_end`, `duration_seconds`, `events`, `page_views`, `purchases`, `revenue`, `session_id`, to_date(`session_start`) AS `dt` FROM step_11
  ),
  -- drop #1 (jobs/user_sessions.ts:50:8)
  step_13 AS (
    SELECT `user_id`, `session_start`, `session_end`, `duration_seconds`, `events`, `page_views`, `purchases`, `revenue`, `session_id`, `dt` FROM step_12
  ),
  -- output analytics.user_sessions
  step_14 AS (
    SELECT `user_id`, `session_id`, `session_start`, `session_end`, `duration_seconds`, `events`, `page_views`, `purchases`, `revenue`, `dt` FROM step_13
  )
SELECT `user_id`, `session_id`, `session_start`, `session_end`, `duration_seconds`, `events`, `page_views`, `purchases`, `revenue`, `dt` FROM step_14
