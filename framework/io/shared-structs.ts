/**
 * One object per distinct struct value, for readers that build struct values row by row.
 *
 * Small structs of a few text or integer fields repeat across rows (a device: a handful of
 * operating system and app version pairs in 1M events), and an object per row was a large
 * part of reading them: its allocation, then the garbage collector copying it while the rows
 * are held (1M events: ~0.25 s). Values in storage form are never changed in place (rows
 * already share them after take, join and sort), and the shared objects are frozen, so a
 * change would fail loudly rather than alter other rows.
 *
 * Only fields whose values Map keys compare exactly are eligible: text, booleans, integers,
 * dates, timestamps and decimals (not floats: a Map does not tell 0 from -0; not binary or
 * nested values: they are objects). A type whose values stop repeating (more than `limit`
 * distinct) is no longer shared, so unique values do not pay for the lookups.
 */
import type { DataType } from '../schema/types.ts';

type StructType = Extract<DataType, { kind: 'struct' }>;

const EXACT_KEYS: ReadonlySet<DataType['kind']> = new Set(['string', 'boolean', 'int32', 'int64', 'date', 'timestamp', 'decimal', 'null']);

/** The shared objects of one struct type: a Map level per field, keyed by that field's value. */
export class SharedStructs {
  private root: Map<unknown, unknown> | null;
  private count = 0;

  constructor(
    private readonly type: StructType,
    private readonly limit = 4096,
  ) {
    this.root = type.fields.length > 0 && type.fields.every((f) => EXACT_KEYS.has(f.type.kind)) ? new Map() : null;
  }

  /** The struct of these field values (in field order; null for a null field): a shared frozen object, or a new one. */
  of(values: readonly unknown[]): Record<string, unknown> {
    const fields = this.type.fields;
    let level = this.root;
    if (level === null) return build(fields, values);
    const last = fields.length - 1;
    for (let k = 0; k < last; k++) {
      let next = level.get(values[k]) as Map<unknown, unknown> | undefined;
      if (next === undefined) level.set(values[k], (next = new Map()));
      level = next;
    }
    let shared = level.get(values[last]) as Record<string, unknown> | undefined;
    if (shared === undefined) {
      if (++this.count > this.limit) {
        this.root = null; // values that do not repeat: each row gets its own object from now on
        return build(fields, values);
      }
      level.set(values[last], (shared = Object.freeze(build(fields, values))));
    }
    return shared;
  }
}

function build(fields: StructType['fields'], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let k = 0; k < fields.length; k++) out[fields[k].name] = values[k];
  return out;
}
