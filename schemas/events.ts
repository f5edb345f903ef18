/**
 * Click-stream events: as the apps send them through Kinesis Firehose (RawEvent), and as
 * events_clean stores them in `analytics.events` (EventClean).
 */
import { z } from 'zod';

export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase'] as const;

export const Device = z
  .object({
    os: z.string().describe('ios, android or web'),
    app_version: z.string().nullable().describe('semantic version of the app; null on the web'),
  })
  .describe('the client that sent the event');

/** One JSON line of the Firehose stream. Unknown fields are ignored. */
export const RawEvent = z.object({
  event_id: z.string().nullable().describe('client-generated UUID; null from a buggy SDK release, such events are dropped'),
  user_id: z.int64().describe('account id (64-bit: some ids are beyond 2^53)'),
  event_type: z.enum(EVENT_TYPES),
  ts: z.iso.datetime({ offset: true }).describe('when the event happened, as sent by the client (any UTC offset)'),
  amount: z.float64().nullable().describe('purchase value in currency (the shop prices in USD); null for other events'),
  currency: z.string().nullable().describe('ISO 4217 code of the amount, as sent (case and spaces vary)'),
  page: z.string().nullable().describe('page path or screen name'),
  device: Device.nullish(),
  properties: z.record(z.string(), z.string()).optional().describe('free-form key/value attributes'),
});

/** `analytics.events`: one row per event, deduplicated, partitioned by the UTC day. */
export const EventClean = z.object({
  event_id: z.string().describe('client-generated UUID, unique'),
  user_id: z.int64().describe('account id'),
  event_type: z.enum(EVENT_TYPES),
  ts: z.iso.datetime().describe('event time (UTC, microseconds)'),
  amount: z.float64().nullable().describe('purchase value in currency (the shop prices in USD); null for other events'),
  currency: z.string().nullable().describe('ISO 4217 code, upper case'),
  page: z.string().nullable().describe('page path or screen name, trimmed; null when empty'),
  device: Device.nullable(),
  properties: z.record(z.string(), z.string()).nullable().describe('free-form key/value attributes'),
  dt: z.iso.date().describe('UTC day of ts (partition)'),
});

export type RawEvent = z.output<typeof RawEvent>;
export type EventClean = z.output<typeof EventClean>;
