/** `analytics.daily_kpis`: activity and revenue per day and country. */
import { z } from 'zod';

export const DailyKpis = z.object({
  country: z.string().describe("user's country (ISO-2), 'unknown' when the user is not in the users dimension"),
  active_users: z.int64().describe('distinct users with at least one event'),
  events: z.int64().describe('number of events'),
  purchases: z.int64().describe("number of 'purchase' events"),
  revenue: z.float64().describe('sum of purchase amounts in USD (0 when none)'),
  dt: z.iso.date().describe('UTC day (partition)'),
});

export type DailyKpis = z.output<typeof DailyKpis>;
