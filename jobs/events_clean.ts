import { z } from 'zod';
import {
  defineJob, jsonLines, table, col, lit, toDate, trim, upper, nullif,
  unique, notNull, acceptedValues, rowCount, expect,
} from 'lakeform';
import { RawEvent, EventClean, EVENT_TYPES } from '../schemas/events.ts';

export default defineJob({
  name: 'events_clean',
  description: 'Raw Firehose events -> validated, deduplicated events partitioned by UTC day',
  // A run for one UTC day owns partition dt of that day; without dt, a run reads and owns everything.
  params: z.object({ dt: z.iso.date().optional().describe('the UTC day to (re)build; leave it out for every day') }),
  slice: 'dt',
  inputs: {
    raw: jsonLines({
      // Firehose writes one folder per arrival hour: a day's events arrive in its 24 folders and,
      // from phones that were offline, in the next day's first hours.
      path: 's3://{bucket}/raw/events/{dt|yyyy/MM/dd/HH}/',
      lateness: '6h',
      sample: 'sample/events/{dt|yyyy/MM/dd/HH}/',
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
