WITH
  -- input 'events'
  step_1 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM `input_events`
  ),
  -- input 'users'
  step_2 AS (
    SELECT `user_id`, `name`, `country`, `signup_date`, `plan` FROM `input_users`
  ),
  -- select #1 (jobs/daily_kpis.ts:22:19)
  step_3 AS (
    SELECT `user_id`, `country` FROM step_2
  ),
  -- join #1 (jobs/daily_kpis.ts:22:8)
  step_4 AS (
    SELECT l.`event_id`, l.`user_id`, l.`event_type`, l.`ts`, l.`amount`, l.`currency`, l.`page`, l.`device`, l.`properties`, l.`dt`, r.`country` FROM step_1 AS l LEFT OUTER JOIN step_3 AS r ON l.`user_id` = r.`user_id`
  ),
  -- withColumn #1 (jobs/daily_kpis.ts:23:8)
  step_5 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt`, coalesce(`country`, 'unknown') AS `country` FROM step_4
  ),
  -- groupBy #1 (jobs/daily_kpis.ts:25:8)
  step_6 AS (
    SELECT `dt` AS `dt`, `country` AS `country`, count(DISTINCT `user_id`) AS `__agg_0`, count(*) AS `__agg_1`, sum(CASE WHEN (`event_type` = 'purchase') THEN 1 ELSE 0 END) AS `__agg_2`, sum(CASE WHEN (`event_type` = 'purchase') THEN `amount` END) AS `__agg_3` FROM step_5 GROUP BY `dt`, `country`
  ),
  -- groupBy #1 (jobs/daily_kpis.ts:25:8)
  step_7 AS (
    SELECT `dt`, `country`, `__agg_0` AS `active_users`, `__agg_1` AS `events`, `__agg_2` AS `purchases`, coalesce(`__agg_3`, CAST(0 AS DOUBLE)) AS `revenue` FROM step_6
  ),
  -- output analytics.daily_kpis
  step_8 AS (
    SELECT `country`, `active_users`, `events`, `purchases`, `revenue`, `dt` FROM step_7
  )
SELECT `country`, `active_users`, `events`, `purchases`, `revenue`, `dt` FROM step_8
