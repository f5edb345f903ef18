/**
 * Events as the apps send them (RawEvent, one JSON line each) and as events_clean stores them
 * (Event). zod is the schema language: see the lakeform README, "Schemas", for the types.
 */
import { z } from 'zod';

export const EVENT_TYPES = ['view', 'click', 'purchase'] as const;

export const RawEvent = z.object({
  event_id: z.string().nullable().describe('client-generated id; events without one are dropped'),
  user_id: z.int64().describe('account id'),
  event_type: z.enum(EVENT_TYPES),
  ts: z.iso.datetime({ offset: true }).describe('when the event happened, any UTC offset'),
  amount: z.float64().nullable().describe('purchase value; null for other events'),
  page: z.string().nullable().describe('page path, as sent'),
});

export const Event = z.object({
  event_id: z.string().describe('unique'),
  user_id: z.int64(),
  event_type: z.enum(EVENT_TYPES),
  ts: z.iso.datetime().describe('event time, UTC'),
  amount: z.float64().nullable(),
  page: z.string().nullable().describe('trimmed; null when blank'),
  dt: z.iso.date().describe('UTC day of ts (partition)'),
});
