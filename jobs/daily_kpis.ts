import { z } from 'zod';
import {
  defineJob, catalogTable, csv, table, col, lit, when, coalesce, count, countDistinct, sum, types,
  unique, notNull, rowCount, expect,
} from 'lakeform';
import { Users } from '../schemas/users.ts';
import { DailyKpis } from '../schemas/kpis.ts';
import type { EventClean } from '../schemas/events.ts';
const isPurchase = col('event_type').eq('purchase');

export default defineJob({
  name: 'daily_kpis',
  description: 'Events + users -> active users, events, purchases and revenue per day and country',
  params: z.object({ dt: z.iso.date().optional().describe('the UTC day to (re)compute; leave it out for every day') }),
  slice: 'dt',
  inputs: {
    events: catalogTable<typeof EventClean>('analytics.events', { slice: 'dt' }), // typed by events_clean's output schema
    users: csv({ path: 's3://{bucket}/dim/users/', sample: 'sample/users/users.csv', schema: Users }),
  },
  transform: ({ events, users }) =>
    events
      .join(users.select('user_id', 'country'), 'user_id', 'left')
      .withColumn('country', coalesce(col('country'), lit('unknown')))
      .groupBy('dt', 'country')
      .agg({
        active_users: countDistinct('user_id'),
        events: count(),
        purchases: sum(when(isPurchase, 1).otherwise(0)),
        revenue: coalesce(sum(when(isPurchase, col('amount'))), lit(0).cast(types.float64)),
      }),
  output: table('analytics.daily_kpis', DailyKpis, {
    partitionBy: ['dt'],
    mode: 'overwrite-partitions',
    description: 'Daily activity and revenue per country',
    // BI dashboards query this table through Athena: new days are visible without registering partitions.
    athenaProjection: { from: '2024-01-01' },
  }),
  checks: [
    unique(['dt', 'country']),
    notNull(['dt', 'country']),
    rowCount({ min: 1 }),
    expect('purchases never exceed events', col('purchases').le(col('events'))),
  ],
});
