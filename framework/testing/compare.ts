/**
 * Expected rows against actual rows: which are missing, which are unexpected, and which
 * changed (paired by key) in which columns. Order matters only when the job orders its output.
 * Doubles are equal within a relative tolerance (summation order differs between engines).
 */
import type { Check } from '../dsl/checks.ts';
import type { DatasetSchema, DataType } from '../schema/types.ts';
import type { Row } from './rows.ts';

/** Two doubles are equal when |a - b| <= tolerance * max(|a|, |b|), or both are tiny. */
export const DEFAULT_FLOAT_TOLERANCE = 1e-9;

export interface ChangedRow {
  readonly key: Row;
  readonly expected: Row;
  readonly actual: Row;
  readonly columns: readonly string[];
}

export interface RowDiff {
  readonly matched: number;
  readonly missing: readonly Row[];
  readonly unexpected: readonly Row[];
  readonly changed: readonly ChangedRow[];
}

export const isClean = (d: RowDiff) => !d.missing.length && !d.unexpected.length && !d.changed.length;

/**
 * Canonical form of a value for comparison: integers as numbers when exact, otherwise as digit
 * strings (so expected files can write big integers as strings), nested values recursively.
 */
export function canonical(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Row).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]));
  if (typeof v === 'string' && /^-?\d{16,}$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}

function floatKind(t: DataType): boolean {
  return t.kind === 'float64' || t.kind === 'float32';
}

export function valuesEqual(a: unknown, b: unknown, type: DataType, tolerance: number): boolean {
  const x = canonical(a);
  const y = canonical(b);
  if (floatKind(type) && typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    return x === y || Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) < 1e-300;
  }
  return JSON.stringify(x) === JSON.stringify(y);
}

/** A key for exact matching: doubles rounded to 12 significant digits so near-equal rows meet. */
function matchKey(row: Row, schema: DatasetSchema): string {
  return JSON.stringify(
    schema.fields.map((f) => {
      const v = canonical(row[f.name]);
      return floatKind(f.type) && typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
    }),
  );
}

export interface CompareOptions {
  readonly ordered: boolean;
  /** Columns that identify a row, to pair expected and actual rows that differ elsewhere. */
  readonly keyColumns: readonly string[];
  readonly tolerance?: number;
}

export function compareRows(schema: DatasetSchema, expected: readonly Row[], actual: readonly Row[], options: CompareOptions): RowDiff {
  const tolerance = options.tolerance ?? DEFAULT_FLOAT_TOLERANCE;
  const differing = (e: Row, a: Row) => schema.fields.filter((f) => !valuesEqual(e[f.name], a[f.name], f.type, tolerance)).map((f) => f.name);
  const keyOf = (r: Row) => Object.fromEntries(options.keyColumns.map((c) => [c, r[c] ?? null]));

  if (options.ordered) {
    const changed: ChangedRow[] = [];
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const columns = differing(expected[i], actual[i]);
      if (columns.length) changed.push({ key: { '#': i + 1, ...keyOf(expected[i]) }, expected: expected[i], actual: actual[i], columns });
    }
    return { matched: n - changed.length, missing: expected.slice(n), unexpected: actual.slice(n), changed };
  }

  // Exact (within rounding) matches first, as multisets.
  const pool = new Map<string, Row[]>();
  for (const a of actual) {
    const k = matchKey(a, schema);
    pool.set(k, [...(pool.get(k) ?? []), a]);
  }
  let matched = 0;
  const leftExpected: Row[] = [];
  for (const e of expected) {
    const bucket = pool.get(matchKey(e, schema));
    const i = bucket?.findIndex((a) => differing(e, a).length === 0) ?? -1;
    if (bucket && i >= 0) {
      bucket.splice(i, 1);
      matched++;
    } else leftExpected.push(e);
  }
  const leftActual = [...pool.values()].flat();

  // Then pair what is left by key: same key, other values = a changed row.
  const changed: ChangedRow[] = [];
  const missing: Row[] = [];
  const byKey = new Map<string, Row[]>();
  for (const a of leftActual) {
    const k = JSON.stringify(canonical(keyOf(a)));
    byKey.set(k, [...(byKey.get(k) ?? []), a]);
  }
  for (const e of leftExpected) {
    const candidates = options.keyColumns.length ? byKey.get(JSON.stringify(canonical(keyOf(e)))) : undefined;
    const a = candidates?.shift();
    if (a) changed.push({ key: keyOf(e), expected: e, actual: a, columns: differing(e, a) });
    else missing.push(e);
  }
  return { matched, missing, unexpected: [...byKey.values()].flat(), changed };
}

/** The columns that identify a row in a diff: the job's first `unique` check's, else the first column. */
export function pairingKey(checks: readonly Check[] | undefined, schema: DatasetSchema): string[] {
  const unique = (checks ?? []).find((c) => c.kind === 'unique');
  if (unique && unique.kind === 'unique') return [...unique.columns];
  return schema.fields.length ? [schema.fields[0].name] : [];
}
