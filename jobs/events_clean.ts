import { z } from 'zod';
import {
  defineJob, jsonLines, table, col, lit, toDate, trim, upper, nullif,
  unique, notNull, acceptedValues, rowCount, expect,
} from 'lakeform';
import { RawEvent, EventClean, EVENT_TYPES } from '../schemas/events.ts';

export default defineJob({
  name: 'events_clean',
  description: 'Raw Firehose events -> validated, deduplicated events partitioned by UTC day',
  params: z.object({ dt: z.iso.date().default('2026-11-01') }),
  inputs: {
    raw: jsonLines({
      path: 's3://{bucket}/raw/events/{dt|yyyy/MM/dd}/', // Firehose: YYYY/MM/DD/HH/*.gz
      sample: 'sample/events/',
      schema: RawEvent,
      onBadRecord: 'permissive', // bad lines are quarantined and reported, the rest goes on
    }),
  },
  transform: ({ raw }) =>
    raw
      .filter(col('event_id').isNotNull())
      .withColumns({
        dt: toDate(col('ts')),
        currency: upper(trim(col('currency'))),
        page: nullif(trim(col('page')), lit('')),
      })
      // Firehose delivers at least once: keep one row per event_id.
      .dropDuplicates(['event_id'], { orderBy: col('ts') })
      .select('event_id', 'user_id', 'event_type', 'ts', 'amount', 'currency', 'page', 'device', 'properties', 'dt'),
  output: table('analytics.events', EventClean, {
    partitionBy: ['dt'],
    mode: 'overwrite-partitions',
    description: 'Click-stream events, one row per event_id',
  }),
  checks: [
    unique('event_id'),
    notNull(['event_id', 'user_id']),
    acceptedValues('event_type', EVENT_TYPES),
    rowCount({ min: 1 }),
    expect('amount is non-negative', col('amount').isNull().or(col('amount').ge(0)), { severity: 'warn' }),
  ],
});
