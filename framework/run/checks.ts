/**
 * Data checks evaluated while the output streams to the writer, so nothing has to be held
 * but the keys of `unique` checks and a few failing rows to show. Results are known before the
 * commit decides. The checks come bound by the analyzer (framework/analyze/checks.ts).
 */
import { isValid, valueAt, type Batch, type Column } from '../columnar/column.ts';
import type { BoundCheck, CheckColumn } from '../analyze/checks.ts';
import type { BoundExpr, BoundPlan } from '../analyze/bound.ts';
import { uniqueByPlan } from '../analyze/unique-by-plan.ts';
import { evaluate } from '../engine/evaluate.ts';
import { T } from '../schema/types.ts';
import { castColumn } from '../functions/cast.ts';
import { jsonExact, rowAt } from '../testing/rows.ts';
import type { Severity } from '../dsl/checks.ts';

export interface CheckResult {
  readonly name: string;
  readonly kind: BoundCheck['kind'];
  readonly severity: Severity;
  readonly passed: boolean;
  /** What failed, with counts and up to a few example values. */
  readonly message: string;
  readonly failingRows: number;
  /**
   * Up to SAMPLE_ROWS of the failing rows, whole, as JSON carries them (int64 beyond 2^53 as
   * text, timestamps as ISO-8601), for a person to see why. Empty for checks on the whole
   * output (rowCount).
   */
  readonly sampleRows: readonly Record<string, unknown>[];
}

/** A check fed the output batch by batch; its result is known after the last batch. */
export interface RunningCheck {
  add(batch: Batch): void;
  result(): CheckResult;
}

/** Failing values quoted in a check's message. */
const EXAMPLES = 3;
/** Failing rows kept to show with a failed check. */
export const SAMPLE_ROWS = 10;

/** Running checks for one pass over the output; call the result once per run. */
export function prepareChecks(checks: readonly BoundCheck[]): (plan?: BoundPlan) => RunningCheck[] {
  return (plan) => checks.map((c) => start(c, plan));
}

/** `plan`, when given, produces the rows checked: a unique check it proves (unique-by-plan.ts) holds no keys. */
function start(c: BoundCheck, plan: BoundPlan | undefined): RunningCheck {
  switch (c.kind) {
    case 'declaredNotNull':
      return nullCounter(c, [c.column]);
    case 'notNull':
      return nullCounter(c, c.columns);
    case 'unique':
      return plan && uniqueByPlan(plan, c.columns.map((col) => col.index)) ? { add() {}, result: () => result(c, 0, '') } : uniqueCheck(c, c.columns);
    case 'acceptedValues':
      return acceptedValuesCheck(c, c.column, c.values);
    case 'rowCount':
      return rowCountCheck(c, c.min, c.max);
    case 'expect':
      return expectCheck(c, c.predicate);
  }
}

/** The failing rows a check keeps to show: the first SAMPLE_ROWS it meets. */
class SampleRows {
  readonly rows: Record<string, unknown>[] = [];
  get full(): boolean {
    return this.rows.length >= SAMPLE_ROWS;
  }
  add(b: Batch, i: number): void {
    if (!this.full) this.rows.push(jsonExact(rowAt(b, i)) as Record<string, unknown>);
  }
}

function result(c: BoundCheck, failingRows: number, message: string, sample?: SampleRows): CheckResult {
  const passed = failingRows === 0;
  return { name: c.name, kind: c.kind, severity: c.severity, passed, message: passed ? 'ok' : message, failingRows, sampleRows: passed ? [] : (sample?.rows ?? []) };
}

function nullCounter(c: BoundCheck, cols: readonly CheckColumn[]): RunningCheck {
  const counts = cols.map(() => 0);
  const sample = new SampleRows();
  return {
    add(b) {
      let found = 0;
      cols.forEach((col, k) => {
        const v = b.columns[col.index].valid;
        if (!v) return;
        for (let i = 0; i < b.length; i++) {
          if (v[i] === 0) {
            counts[k]++;
            found++;
          }
        }
      });
      // A second look only at a batch that has nulls, and only until the sample is full.
      for (let i = 0; found && !sample.full && i < b.length; i++) if (cols.some((col) => !isValid(b.columns[col.index], i))) sample.add(b, i);
    },
    result() {
      const total = counts.reduce((a, x) => a + x, 0);
      const parts = cols.map((col, k) => (counts[k] ? `${counts[k]} null${counts[k] === 1 ? '' : 's'} in ${col.name}` : '')).filter(Boolean);
      return result(c, total, parts.join(', '), sample);
    },
  };
}

function keyOf(b: Batch, cols: readonly CheckColumn[], i: number): string | undefined {
  let key = '';
  for (const { index } of cols) {
    const c = b.columns[index];
    if (!isValid(c, i)) return undefined;
    key += `${String(valueAt(c, i))}\u0000`;
  }
  return key;
}

function uniqueCheck(c: BoundCheck, cols: readonly CheckColumn[]): RunningCheck {
  const seen = new Set<string>();
  const examples: string[] = [];
  const sample = new SampleRows();
  let dupes = 0;
  const duplicate = (b: Batch, i: number, shown: string) => {
    dupes++;
    if (examples.length < EXAMPLES) examples.push(shown);
    sample.add(b, i);
  };
  return {
    add(b) {
      // One string column (unique('event_id')): the value itself is the key; building a
      // composite key string per row cost 0.5 s on 1M rows.
      const only = cols.length === 1 && b.columns[cols[0].index].type.kind === 'string' ? b.columns[cols[0].index] : null;
      for (let i = 0; i < b.length; i++) {
        if (only) {
          if (!isValid(only, i)) continue;
          const s = (only.data as string[])[i];
          if (seen.has(s)) duplicate(b, i, s);
          else seen.add(s);
          continue;
        }
        const k = keyOf(b, cols, i);
        if (k === undefined) continue;
        if (seen.has(k)) duplicate(b, i, k.split('\u0000').slice(0, -1).join(', '));
        else seen.add(k);
      }
    },
    result: () => result(c, dupes, `${dupes} duplicate row${dupes === 1 ? '' : 's'}, e.g. ${examples.map((e) => `(${e})`).join(' ')}`, sample),
  };
}

/**
 * Values compare as the SQL the driver runs compares them (framework/compile/checks.ts): doubles
 * as numbers, everything else as the text CAST(value AS STRING) gives in Spark (a date as
 * 2026-11-01, a decimal as 1.50), not as its storage form.
 */
function acceptedValuesCheck(c: BoundCheck, column: CheckColumn, values: readonly (string | number | boolean)[]): RunningCheck {
  const allowedText = new Set(values.map(String));
  const allowedNumbers = new Set(values.flatMap((v) => (typeof v === 'number' ? [v] : typeof v === 'string' && String(Number(v)) === v ? [Number(v)] : [])));
  const bad = new Map<string, number>();
  const sample = new SampleRows();
  let failing = 0;
  return {
    add(b) {
      const col: Column = b.columns[column.index];
      const numeric = col.type.kind === 'float64' || col.type.kind === 'float32';
      const text = numeric || col.type.kind === 'string' ? col : castColumn(col, T.string);
      for (let i = 0; i < b.length; i++) {
        if (!isValid(col, i)) continue;
        const v = valueAt(text, i);
        if (numeric ? !allowedNumbers.has(v as number) : !allowedText.has(v as string)) {
          failing++;
          bad.set(String(v), (bad.get(String(v)) ?? 0) + 1);
          sample.add(b, i);
        }
      }
    },
    result: () =>
      result(c, failing, `${failing} row${failing === 1 ? '' : 's'} outside [${values.join(', ')}]: ${[...bad].slice(0, EXAMPLES).map(([v, n]) => `'${v}' (${n})`).join(', ')}`, sample),
  };
}

function rowCountCheck(c: BoundCheck, min?: number, max?: number): RunningCheck {
  let rows = 0;
  return {
    add(b) {
      rows += b.length;
    },
    result() {
      const low = min !== undefined && rows < min;
      const high = max !== undefined && rows > max;
      return result(c, low || high ? 1 : 0, `${rows} rows, expected ${low ? `at least ${min}` : `at most ${max}`}`);
    },
  };
}

function expectCheck(c: BoundCheck, predicate: BoundExpr): RunningCheck {
  const sample = new SampleRows();
  let failing = 0;
  return {
    add(b) {
      const v = evaluate(predicate, b);
      const d = v.data as Uint8Array;
      for (let i = 0; i < b.length; i++) {
        if (!isValid(v, i) || d[i] !== 1) {
          failing++;
          sample.add(b, i);
        }
      }
    },
    result: () => result(c, failing, `${failing} row${failing === 1 ? ' does' : 's do'} not satisfy it`, sample),
  };
}
