/**
 * Data checks evaluated while the output streams to the writer, so nothing has to be held
 * but the keys of `unique` checks. Results are known before the commit decides.
 */
import { isValid, valueAt, type Batch, type Column } from '../columnar/column.ts';
import type { Check } from '../dsl/checks.ts';
import { bindExpr } from '../analyze/expressions.ts';
import type { BoundExpr } from '../analyze/bound.ts';
import { evaluate } from '../engine/evaluate.ts';
import { T, typeToString, type DatasetSchema } from '../schema/types.ts';
import { castColumn } from '../functions/cast.ts';
import { fail } from '../analyze/expressions.ts';

export interface CheckResult {
  readonly name: string;
  readonly kind: Check['kind'] | 'declaredNotNull';
  readonly severity: 'error' | 'warn';
  readonly passed: boolean;
  /** What failed, with counts and up to a few example values. */
  readonly message: string;
  readonly failingRows: number;
}

/** A check fed the output batch by batch; its result is known after the last batch. */
export interface RunningCheck {
  add(batch: Batch): void;
  result(): CheckResult;
}

const EXAMPLES = 3;

/** Binds the checks to the output schema (analysis errors surface before any data is read). */
export function prepareChecks(checks: readonly Check[], requiredColumns: readonly string[], schema: DatasetSchema, ctx: { job: string; file?: string }): () => RunningCheck[] {
  const index = (name: string, label: string): number => {
    const s = { job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step: { label: `check ${label}` }, schema };
    const b = bindExpr({ kind: 'column', name }, s);
    return (b as Extract<BoundExpr, { kind: 'column' }>).index;
  };
  const factories: (() => RunningCheck)[] = [];
  for (const column of requiredColumns) {
    const i = schema.fields.findIndex((f) => f.name === column);
    factories.push(() => nullCounter(`${column} is declared non-null`, 'declaredNotNull', 'error', [i], schema));
  }
  for (const c of checks) {
    switch (c.kind) {
      case 'notNull': {
        const cols = c.columns.map((x) => index(x, c.name));
        factories.push(() => nullCounter(c.name, 'notNull', c.severity, cols, schema));
        break;
      }
      case 'unique': {
        const cols = c.columns.map((x) => index(x, c.name));
        factories.push(() => uniqueCheck(c.name, c.severity, cols));
        break;
      }
      case 'acceptedValues': {
        const i = index(c.column, c.name);
        factories.push(() => acceptedValuesCheck(c.name, c.severity, i, c.values));
        break;
      }
      case 'rowCount':
        factories.push(() => rowCountCheck(c.name, c.severity, c.min, c.max));
        break;
      case 'expect': {
        const s = { job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step: { label: `check '${c.name}'` }, schema };
        const predicate = bindExpr(c.predicate, s);
        if (predicate.type.kind !== 'boolean') fail(s, `the check's expression must be boolean, got ${typeToString(predicate.type)}`);
        factories.push(() => expectCheck(c.name, c.severity, predicate));
        break;
      }
    }
  }
  return () => factories.map((f) => f());
}

function result(name: string, kind: CheckResult['kind'], severity: 'error' | 'warn', failingRows: number, message: string): CheckResult {
  return { name, kind, severity, passed: failingRows === 0, message: failingRows === 0 ? 'ok' : message, failingRows };
}

function nullCounter(name: string, kind: CheckResult['kind'], severity: 'error' | 'warn', cols: number[], schema: DatasetSchema): RunningCheck {
  const counts = cols.map(() => 0);
  return {
    add(b) {
      cols.forEach((ci, k) => {
        const v = b.columns[ci].valid;
        if (v) for (let i = 0; i < b.length; i++) if (v[i] === 0) counts[k]++;
      });
    },
    result() {
      const total = counts.reduce((a, x) => a + x, 0);
      const parts = cols.map((ci, k) => (counts[k] ? `${counts[k]} null${counts[k] === 1 ? '' : 's'} in ${schema.fields[ci].name}` : '')).filter(Boolean);
      return result(name, kind, severity, total, parts.join(', '));
    },
  };
}

function keyOf(b: Batch, cols: number[], i: number): string | undefined {
  let key = '';
  for (const ci of cols) {
    const c = b.columns[ci];
    if (!isValid(c, i)) return undefined;
    key += `${String(valueAt(c, i))}\u0000`;
  }
  return key;
}

function uniqueCheck(name: string, severity: 'error' | 'warn', cols: number[]): RunningCheck {
  const seen = new Set<string>();
  const examples: string[] = [];
  let dupes = 0;
  return {
    add(b) {
      // One string column (unique('event_id')): the value itself is the key; building a
      // composite key string per row cost 0.5 s on 1M rows.
      const only = cols.length === 1 && b.columns[cols[0]].type.kind === 'string' ? b.columns[cols[0]] : null;
      for (let i = 0; i < b.length; i++) {
        if (only) {
          if (!isValid(only, i)) continue;
          const s = (only.data as string[])[i];
          if (seen.has(s)) {
            dupes++;
            if (examples.length < EXAMPLES) examples.push(s);
          } else seen.add(s);
          continue;
        }
        const k = keyOf(b, cols, i);
        if (k === undefined) continue;
        if (seen.has(k)) {
          dupes++;
          if (examples.length < EXAMPLES) examples.push(k.split('\u0000').slice(0, -1).join(', '));
        } else seen.add(k);
      }
    },
    result: () => result(name, 'unique', severity, dupes, `${dupes} duplicate row${dupes === 1 ? '' : 's'}, e.g. ${examples.map((e) => `(${e})`).join(' ')}`),
  };
}

/**
 * Values compare as the SQL the driver runs compares them (framework/compile/checks.ts): doubles
 * as numbers, everything else as the text CAST(value AS STRING) gives in Spark (a date as
 * 2026-11-01, a decimal as 1.50), not as its storage form.
 */
function acceptedValuesCheck(name: string, severity: 'error' | 'warn', ci: number, values: readonly (string | number | boolean)[]): RunningCheck {
  const allowedText = new Set(values.map(String));
  const allowedNumbers = new Set(values.flatMap((v) => (typeof v === 'number' ? [v] : typeof v === 'string' && String(Number(v)) === v ? [Number(v)] : [])));
  const bad = new Map<string, number>();
  let failing = 0;
  return {
    add(b) {
      const c: Column = b.columns[ci];
      const numeric = c.type.kind === 'float64' || c.type.kind === 'float32';
      const text = numeric || c.type.kind === 'string' ? c : castColumn(c, T.string);
      for (let i = 0; i < b.length; i++) {
        if (!isValid(c, i)) continue;
        const v = valueAt(text, i);
        if (numeric ? !allowedNumbers.has(v as number) : !allowedText.has(v as string)) {
          failing++;
          bad.set(String(v), (bad.get(String(v)) ?? 0) + 1);
        }
      }
    },
    result: () =>
      result(name, 'acceptedValues', severity, failing, `${failing} row${failing === 1 ? '' : 's'} outside [${values.join(', ')}]: ${[...bad].slice(0, EXAMPLES).map(([v, n]) => `'${v}' (${n})`).join(', ')}`),
  };
}

function rowCountCheck(name: string, severity: 'error' | 'warn', min?: number, max?: number): RunningCheck {
  let rows = 0;
  return {
    add(b) {
      rows += b.length;
    },
    result() {
      const low = min !== undefined && rows < min;
      const high = max !== undefined && rows > max;
      return result(name, 'rowCount', severity, low || high ? 1 : 0, `${rows} rows, expected ${low ? `at least ${min}` : `at most ${max}`}`);
    },
  };
}

function expectCheck(name: string, severity: 'error' | 'warn', predicate: BoundExpr): RunningCheck {
  let failing = 0;
  return {
    add(b) {
      const c = evaluate(predicate, b);
      const d = c.data as Uint8Array;
      for (let i = 0; i < b.length; i++) if (!isValid(c, i) || d[i] !== 1) failing++;
    },
    result: () => result(name, 'expect', severity, failing, `${failing} row${failing === 1 ? '' : 's'} do not satisfy it`),
  };
}
