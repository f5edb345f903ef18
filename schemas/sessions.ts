/** `analytics.user_sessions`: a session is a run of a user's events with no gap over 30 minutes. */
import { z } from 'zod';

export const UserSession = z.object({
  user_id: z.int64().describe('account id'),
  session_id: z.string().describe("'<user_id>-<start as yyyyMMddHHmmssSSSSSS>': stable whichever days a run reads"),
  session_start: z.iso.datetime().describe('time of the first event'),
  session_end: z.iso.datetime().describe('time of the last event'),
  duration_seconds: z.int64().describe('session_end - session_start, in whole seconds'),
  events: z.int64().describe('number of events'),
  page_views: z.int64().describe("number of 'view' events"),
  purchases: z.int64().describe("number of 'purchase' events"),
  revenue: z.float64().describe('sum of purchase amounts in USD (0 when none)'),
  dt: z.iso.date().describe('UTC day the session started (partition)'),
});

export type UserSession = z.output<typeof UserSession>;
