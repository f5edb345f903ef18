/**
 * Expected rows against actual rows: which columns the expected rows have that the job does not
 * produce (and the reverse), which rows are missing, which are unexpected, and which changed
 * (paired by key) in which columns. Order matters only when the job orders its output. Values
 * compare by their column's type (see typed-values.ts).
 */
import type { Check } from '../dsl/checks.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { suggest } from '../errors/index.ts';
import type { Row } from './rows.ts';
import { DEFAULT_FLOAT_TOLERANCE, matchForm, valuesEqual } from './typed-values.ts';

export { DEFAULT_FLOAT_TOLERANCE } from './typed-values.ts';

export interface ChangedRow {
  readonly key: Row;
  readonly expected: Row;
  readonly actual: Row;
  readonly columns: readonly string[];
}

/** A column the expected rows and the job's output do not agree on. */
export interface ColumnDifference {
  readonly column: string;
  /** Expected rows that have the column (missing: it is not produced) or lack it (unexpected: it is produced). */
  readonly rows: number;
  /** For a missing column: produced columns it may have been renamed to. */
  readonly renamedTo?: readonly string[];
}

export interface RowDiff {
  readonly matched: number;
  /** Columns of the expected rows that the job does not produce. */
  readonly missingColumns: readonly ColumnDifference[];
  /** Columns the job produces that expected rows leave out. */
  readonly unexpectedColumns: readonly ColumnDifference[];
  readonly missing: readonly Row[];
  readonly unexpected: readonly Row[];
  readonly changed: readonly ChangedRow[];
}

export const isClean = (d: RowDiff) => !d.missingColumns.length && !d.unexpectedColumns.length && !d.missing.length && !d.unexpected.length && !d.changed.length;

/** A key for exact matching of rows. */
function matchKey(row: Row, schema: DatasetSchema): string {
  return JSON.stringify(schema.fields.map((f) => matchForm(row[f.name], f.type)));
}

/**
 * Columns of the expected rows against the output's. Strict both ways: a column that is not
 * produced would otherwise be ignored, and a produced one left out would read as "expected null".
 */
export function compareColumns(schema: DatasetSchema, expected: readonly Row[]): Pick<RowDiff, 'missingColumns' | 'unexpectedColumns'> {
  const produced = schema.fields.map((f) => f.name);
  const present = new Map<string, number>();
  for (const row of expected) for (const k of Object.keys(row)) present.set(k, (present.get(k) ?? 0) + 1);
  const notProduced = [...present.keys()].filter((c) => !produced.includes(c));
  const missingColumns = notProduced.map((column) => {
    const renamedTo = suggest(column, produced.filter((p) => !present.has(p)));
    return { column, rows: present.get(column)!, ...(renamedTo.length ? { renamedTo } : {}) };
  });
  const unexpectedColumns = expected.length ? produced.filter((c) => (present.get(c) ?? 0) < expected.length).map((column) => ({ column, rows: expected.length - (present.get(column) ?? 0) })) : [];
  return { missingColumns, unexpectedColumns };
}

export interface CompareOptions {
  readonly ordered: boolean;
  /** Columns that identify a row, to pair expected and actual rows that differ elsewhere. */
  readonly keyColumns: readonly string[];
  readonly tolerance?: number;
}

export function compareRows(schema: DatasetSchema, expected: readonly Row[], actual: readonly Row[], options: CompareOptions): RowDiff {
  const tolerance = options.tolerance ?? DEFAULT_FLOAT_TOLERANCE;
  const columns = compareColumns(schema, expected);
  // Rows compare on the columns both sides have, so a renamed column is reported once, as a column.
  const shared = { fields: schema.fields.filter((f) => !columns.unexpectedColumns.some((u) => u.column === f.name)) };
  const rows = compareRowsOn(shared, expected, actual, options, tolerance);
  return { ...columns, ...rows };
}

function compareRowsOn(schema: DatasetSchema, expected: readonly Row[], actual: readonly Row[], options: CompareOptions, tolerance: number): Pick<RowDiff, 'matched' | 'missing' | 'unexpected' | 'changed'> {
  const differing = (e: Row, a: Row) => schema.fields.filter((f) => !valuesEqual(e[f.name], a[f.name], f.type, tolerance)).map((f) => f.name);
  const keyOf = (r: Row) => Object.fromEntries(options.keyColumns.map((c) => [c, r[c] ?? null]));
  const keyFields = options.keyColumns.flatMap((c) => schema.fields.filter((f) => f.name === c));
  const keyText = (r: Row) => JSON.stringify(keyFields.map((f) => matchForm(r[f.name], f.type)));
  // A key column the expected rows lack cannot pair rows.
  const canPair = keyFields.length > 0 && keyFields.length === options.keyColumns.length;

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
    const k = keyText(a);
    byKey.set(k, [...(byKey.get(k) ?? []), a]);
  }
  for (const e of leftExpected) {
    const candidates = canPair ? byKey.get(keyText(e)) : undefined;
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
