/** The users dimension, exported daily from the accounts database as CSV. */
import { z } from 'zod';
import { masked } from 'lakeform';

export const Users = z.object({
  user_id: z.int64().describe('account id'),
  // Personal data: `etl sample --env` copies it into a local sample only as '[redacted]'.
  name: masked(z.string().nullable().describe('display name'), 'redact'),
  country: z.string().describe('ISO 3166-1 alpha-2 country code'),
  signup_date: z.iso.date().describe('day the account was created'),
  plan: z.enum(['free', 'pro']).describe('subscription plan'),
});

export type Users = z.output<typeof Users>;
