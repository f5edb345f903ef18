/**
 * Synthetic sample rows from an input's zod schema, for jobs whose real data cannot leave the
 * account: types, enums and nullability from the schema, any refinement (min, max, regex)
 * honoured by checking each value against the field's own zod schema; deterministic by seed
 * (fast-check generates the values).
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { formatDate } from '../columnar/calendar.ts';
import { decimalText } from '../functions/cast.ts';
import type { DataType, Field } from '../schema/types.ts';
import { assertNever } from '../schema/types.ts';
import { fromZod } from '../schema/zod.ts';
import { InternalError } from '../errors/index.ts';
import { isoTimestamp, type Row } from './rows.ts';

const DAY_MS = 86_400_000;

/** The instants generated dates and timestamps fall in: [startMs, endMs), UTC. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** Without a slice: three years of dates and times. */
const ANY_TIME: TimeWindow = { startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2027, 0, 1) };

function arbitraryOf(t: DataType, window: TimeWindow, enumValues?: readonly string[]): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'string':
      return enumValues?.length ? fc.constantFrom(...enumValues) : fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 });
    case 'boolean':
      return fc.boolean();
    case 'int32':
      return fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 10_000 }) }, { weight: 1, arbitrary: fc.integer() });
    case 'int64':
      // Mostly ids of a realistic size, sometimes beyond 2^53 (where JSON.parse would round).
      return fc.oneof({ weight: 9, arbitrary: fc.bigInt({ min: 1n, max: 10_000_000n }) }, { weight: 1, arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }) });
    case 'float32':
    case 'float64':
      return fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 100) / 100);
    case 'decimal': {
      const max = 10n ** BigInt(t.precision) - 1n;
      return fc.bigInt({ min: -max, max }).map((u) => decimalText(u, t.scale));
    }
    case 'date':
      return fc.integer({ min: Math.floor(window.startMs / DAY_MS), max: Math.ceil(window.endMs / DAY_MS) - 1 }).map(formatDate);
    case 'timestamp':
      return fc.bigInt({ min: BigInt(window.startMs) * 1000n, max: BigInt(window.endMs) * 1000n - 1n }).map(isoTimestamp);
    case 'struct':
      return fc.record(Object.fromEntries(t.fields.map((f) => [f.name, fieldArbitrary(f, window)])));
    case 'array':
      return fc.array(nullable(arbitraryOf(t.element, window), t.containsNull), { maxLength: 3 });
    case 'map':
      return fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), nullable(arbitraryOf(t.value, window), t.valueContainsNull), { maxKeys: 3 });
    case 'binary':
      return fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
    case 'null':
      return fc.constant(null);
    case 'interval':
      throw new InternalError('a zod schema gave an interval column: zod has no interval type');
    default:
      return assertNever(t);
  }
}

const nullable = (a: fc.Arbitrary<unknown>, isNullable: boolean) => (isNullable ? fc.option(a, { nil: null, freq: 5 }) : a);

function fieldArbitrary(f: Field, window: TimeWindow, zodField?: z.ZodType): fc.Arbitrary<unknown> {
  const base = nullable(arbitraryOf(f.type, window, f.enumValues), f.nullable);
  // Refinements the canonical schema does not carry (min, max, regex, ...) are kept by the field's own schema.
  return zodField ? base.filter((v) => zodField.safeParse(v).success) : base;
}

/** `count` rows of the schema; every date and timestamp in `window` (a run's slice) when one is given. */
export function syntheticRows(schema: z.ZodObject, count: number, seed: number, window: TimeWindow = ANY_TIME): Row[] {
  const fields = fromZod(schema).fields;
  const shape = schema.shape as Record<string, z.ZodType>;
  const row = fc.record(Object.fromEntries(fields.map((f) => [f.name, fieldArbitrary(f, window, shape[f.name])])));
  return count > 0 ? (fc.sample(row, { seed, numRuns: count }) as Row[]) : [];
}
