WITH
  -- input 'raw'
  step_1 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties` FROM `input_raw`
  ),
  -- filter #1 (jobs/events_clean.ts:27:8)
  step_2 AS (
    SELECT * FROM step_1 WHERE (`event_id` IS NOT NULL)
  ),
  -- withColumn #1 (jobs/events_clean.ts:28:8)
  step_3 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, upper(trim(`currency`)) AS `currency`, nullif(trim(`page`), '') AS `page`, `device`, `properties`, to_date(`ts`) AS `dt` FROM step_2
  ),
  -- dropDuplicates #1 (jobs/events_clean.ts:34:8)
  step_4 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM (SELECT *, row_number() OVER (PARTITION BY `event_id` ORDER BY `ts` ASC NULLS FIRST) AS `__row_number` FROM step_3) AS ranked WHERE `__row_number` = 1
  ),
  -- select #1 (jobs/events_clean.ts:35:8)
  step_5 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM step_4
  ),
  -- output analytics.events
  step_6 AS (
    SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM step_5
  )
SELECT `event_id`, `user_id`, `event_type`, `ts`, `amount`, `currency`, `page`, `device`, `properties`, `dt` FROM step_6
