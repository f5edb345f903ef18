/**
 * An example job: raw JSON-lines events -> clean, deduplicated events in a table partitioned
 * by UTC day. `etl run events_clean` runs it on sample/ offline; `etl test` runs its cases in
 * jobs/fixtures/events_clean/; `etl plan events_clean` shows what runs on the cluster.
 */
import { z } from 'zod';
import { defineJob, jsonLines, table, col, lit, toDate, trim, nullif, unique, notNull, acceptedValues, rowCount } from 'lakeform';
import { RawEvent, Event, EVENT_TYPES } from '../schemas/events.ts';

export default defineJob({
  name: 'events_clean',
  description: 'Raw events -> clean events, one row per event_id, partitioned by UTC day',
  // A run for one day owns that day's partition; without dt, a run reads and owns every day.
  params: z.object({ dt: z.iso.date().optional().describe('the UTC day to (re)build; leave it out for every day') }),
  slice: 'dt',
  inputs: {
    raw: jsonLines({
      path: 's3://{bucket}/raw/events/{dt|yyyy/MM/dd}/',
      sample: 'sample/events/{dt|yyyy/MM/dd}/',
      schema: RawEvent,
      onBadRecord: 'permissive', // lines that do not fit RawEvent are quarantined and reported
    }),
  },
  transform: ({ raw }) =>
    raw
      .filter(col('event_id').isNotNull())
      .withColumns({
        dt: toDate(col('ts')),
        page: nullif(trim(col('page')), lit('')),
      })
      // Delivery is at least once: keep the earliest copy of each event.
      .dropDuplicates(['event_id'], { orderBy: col('ts') })
      .select('event_id', 'user_id', 'event_type', 'ts', 'amount', 'page', 'dt'),
  output: table('analytics.events', Event, {
    partitionBy: ['dt'],
    mode: 'overwrite-partitions',
    description: 'Events, one row per event_id',
  }),
  checks: [unique('event_id'), notNull(['event_id', 'user_id']), acceptedValues('event_type', EVENT_TYPES), rowCount({ min: 1 })],
});
