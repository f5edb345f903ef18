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
import { isoTimestamp, type Row } from './rows.ts';

const DAY_US = 86_400_000_000n;
const FROM_DAY = Date.UTC(2024, 0, 1) / 86_400_000;
const TO_DAY = Date.UTC(2026, 11, 31) / 86_400_000;

function arbitraryOf(t: DataType, enumValues?: readonly string[]): fc.Arbitrary<unknown> {
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
      return fc.integer({ min: FROM_DAY, max: TO_DAY }).map(formatDate);
    case 'timestamp':
      return fc.bigInt({ min: BigInt(FROM_DAY) * DAY_US, max: BigInt(TO_DAY + 1) * DAY_US - 1n }).map(isoTimestamp);
    case 'struct':
      return fc.record(Object.fromEntries(t.fields.map((f) => [f.name, fieldArbitrary(f)])));
    case 'array':
      return fc.array(nullable(arbitraryOf(t.element), t.containsNull), { maxLength: 3 });
    case 'map':
      return fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), nullable(arbitraryOf(t.value), t.valueContainsNull), { maxKeys: 3 });
    case 'binary':
      return fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
    case 'null':
      return fc.constant(null);
    default:
      return assertNever(t);
  }
}

const nullable = (a: fc.Arbitrary<unknown>, isNullable: boolean) => (isNullable ? fc.option(a, { nil: null, freq: 5 }) : a);

function fieldArbitrary(f: Field, zodField?: z.ZodType): fc.Arbitrary<unknown> {
  const base = nullable(arbitraryOf(f.type, f.enumValues), f.nullable);
  // Refinements the canonical schema does not carry (min, max, regex, ...) are kept by the field's own schema.
  return zodField ? base.filter((v) => zodField.safeParse(v).success) : base;
}

export function syntheticRows(schema: z.ZodObject, count: number, seed: number): Row[] {
  const fields = fromZod(schema).fields;
  const shape = schema.shape as Record<string, z.ZodType>;
  const row = fc.record(Object.fromEntries(fields.map((f) => [f.name, fieldArbitrary(f, shape[f.name])])));
  return count > 0 ? (fc.sample(row, { seed, numRuns: count }) as Row[]) : [];
}
