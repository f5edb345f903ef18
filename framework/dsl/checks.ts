/**
 * Data checks on a job's output, run before anything is committed. A failing check of
 * severity 'error' fails the run and commits nothing; 'warn' is reported.
 */
import type { Expr } from '../plan/expr.ts';
import type { Col } from './expr.ts';
import { UsageError } from '../errors/index.ts';

export type Severity = 'error' | 'warn';

interface CheckBase {
  readonly severity: Severity;
  /** Shown in reports; defaults to a description of the check. */
  readonly name: string;
}

export type Check =
  | (CheckBase & { readonly kind: 'unique'; readonly columns: readonly string[] })
  | (CheckBase & { readonly kind: 'notNull'; readonly columns: readonly string[] })
  | (CheckBase & { readonly kind: 'acceptedValues'; readonly column: string; readonly values: readonly (string | number | boolean)[] })
  | (CheckBase & { readonly kind: 'rowCount'; readonly min?: number; readonly max?: number })
  | (CheckBase & { readonly kind: 'expect'; readonly predicate: Expr });

export type CheckKind = Check['kind'];

export interface CheckOptions {
  readonly severity?: Severity;
  readonly name?: string;
}

const make = <C extends Check>(c: C): C => Object.freeze(c);
const columnsOf = (c: string | readonly string[]) => (typeof c === 'string' ? [c] : [...c]);

/** No two rows share these columns' values (rows with a null in them are ignored, as SQL UNIQUE does). */
export const unique = (columns: string | readonly string[], o: CheckOptions = {}) =>
  make({ kind: 'unique', columns: columnsOf(columns), severity: o.severity ?? 'error', name: o.name ?? `unique(${columnsOf(columns).join(', ')})` });

export const notNull = (columns: string | readonly string[], o: CheckOptions = {}) =>
  make({ kind: 'notNull', columns: columnsOf(columns), severity: o.severity ?? 'error', name: o.name ?? `notNull(${columnsOf(columns).join(', ')})` });

/** Every non-null value is one of these. */
export const acceptedValues = (column: string, values: readonly (string | number | boolean)[], o: CheckOptions = {}) =>
  make({ kind: 'acceptedValues', column, values: [...values], severity: o.severity ?? 'error', name: o.name ?? `acceptedValues(${column})` });

export const rowCount = (bounds: { min?: number; max?: number }, o: CheckOptions = {}) => {
  for (const [key, bound] of Object.entries(bounds)) {
    // The bounds become SQL text in the Spark driver's check: only whole numbers may go there.
    if (bound !== undefined && !(Number.isSafeInteger(bound) && bound >= 0)) {
      throw new UsageError(`rowCount({ ${key}: ${String(bound)} }): a row count bound must be a whole number of rows, 0 or more`, `e.g. rowCount({ min: 1 })`);
    }
  }
  return make({
    kind: 'rowCount',
    ...bounds,
    severity: o.severity ?? 'error',
    name: o.name ?? `rowCount(${[bounds.min !== undefined ? `min ${bounds.min}` : '', bounds.max !== undefined ? `max ${bounds.max}` : ''].filter(Boolean).join(', ')})`,
  });
};

/** Every row satisfies the predicate (a null result counts as a failure). */
export const expect = (name: string, predicate: Col<boolean> | Col, o: Omit<CheckOptions, 'name'> = {}) =>
  make({ kind: 'expect', name, predicate: predicate.node, severity: o.severity ?? 'error' });
