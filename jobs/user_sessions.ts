import { z } from 'zod';
import {
  defineJob, catalogTable, table, col, lit, when, concatWs, lag, sum, min, max, count, coalesce,
  unixMicros, toDate, dateFormat, types, Window, unique, notNull, rowCount,
} from 'lakeform';
import { UserSession } from '../schemas/sessions.ts';
import type { EventClean } from '../schemas/events.ts';
/**
 * A gap longer than this between two events of a user starts a new session. In microseconds,
 * as timestamps are kept: whole seconds (unixTimestamp) drop both times' fractions and take a
 * gap of 30:00.000001 for one of 30:00.
 */
const SESSION_GAP_MICROS = 30 * 60 * 1_000_000;

const byUser = Window.partitionBy('user_id').orderBy('ts', 'event_id');

export default defineJob({
  name: 'user_sessions',
  description: 'Events -> user sessions (30-minute inactivity gap), partitioned by start day',
  params: z.object({ dt: z.iso.date().optional().describe('the UTC day whose sessions to (re)build; leave it out for every day') }),
  slice: 'dt',
  inputs: {
    // The sessions that start on day D need the day before (is D's first event the continuation
    // of a session that started yesterday?) and the day after (a session that runs past midnight).
    events: catalogTable<typeof EventClean>('analytics.events', { slice: { column: 'dt', lookback: '1d', lookahead: '1d' } }),
  },
  transform: ({ events }) =>
    events
      .withColumn('prev_ts', lag('ts').over(byUser))
      .withColumn(
        'new_session',
        when(col('prev_ts').isNull().or(unixMicros('ts').minus(unixMicros('prev_ts')).gt(SESSION_GAP_MICROS)), 1).otherwise(0),
      )
      // Running count of session starts = the session's number for this user (1, 2, ...).
      .withColumn('session_number', sum('new_session').over(byUser.rowsBetween(Window.unboundedPreceding, Window.currentRow)))
      .groupBy('user_id', 'session_number')
      .agg({
        session_start: min('ts'),
        session_end: max('ts'),
        // Whole seconds of the elapsed time (not the difference of whole seconds, which counts 0.9s -> 1.1s as 1).
        duration_seconds: unixMicros(max('ts')).minus(unixMicros(min('ts'))).intDiv(1_000_000),
        events: count(),
        page_views: sum(when(col('event_type').eq('view'), 1).otherwise(0)),
        purchases: sum(when(col('event_type').eq('purchase'), 1).otherwise(0)),
        revenue: coalesce(sum(when(col('event_type').eq('purchase'), col('amount'))), lit(0).cast(types.float64)),
      })
      // Named by its start, not its number: the same id whichever days a run reads.
      .withColumn('session_id', concatWs('-', col('user_id').cast(types.string), dateFormat(col('session_start'), 'yyyyMMddHHmmssSSSSSS')))
      .withColumn('dt', toDate(col('session_start')))
      .drop('session_number'),
  output: table('analytics.user_sessions', UserSession, {
    partitionBy: ['dt'],
    mode: 'overwrite-partitions',
    description: 'User sessions: runs of events with no gap over 30 minutes',
  }),
  checks: [unique('session_id'), notNull(['user_id', 'session_start']), rowCount({ min: 1 })],
});
