/**
 * Data checks on a job's output, run before anything is committed. A failing check of
 * severity 'error' fails the run and commits nothing; 'warn' is reported. A check's type
 * carries the columns it reads (N), so a job with a declared output schema refuses at compile
 * time a check of a column the schema lacks.
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

export type Check<N extends string = string> =
  | (CheckBase & { readonly kind: 'unique'; readonly columns: readonly N[] })
  | (CheckBase & { readonly kind: 'notNull'; readonly columns: readonly N[] })
  | (CheckBase & { readonly kind: 'acceptedValues'; readonly column: N; readonly values: readonly (string | number | boolean)[] })
  | (CheckBase & { readonly kind: 'rowCount'; readonly min?: number; readonly max?: number })
  | (CheckBase & { readonly kind: 'expect'; readonly predicate: Expr; readonly __columns?: N });

type CheckOf<K extends CheckKind, N extends string> = Extract<Check<N>, { kind: K }>;

export type CheckKind = Check['kind'];

export interface CheckOptions {
  readonly severity?: Severity;
  readonly name?: string;
}

const make = <C extends Check>(c: C): C => Object.freeze(c);
const columnsOf = <N extends string>(c: N | readonly N[]): N[] => (typeof c === 'string' ? [c] : [...(c as readonly N[])]);

/** No two rows share these columns' values (rows with a null in them are ignored, as SQL UNIQUE does). */
export const unique = <const N extends string>(columns: N | readonly N[], o: CheckOptions = {}): CheckOf<'unique', N> =>
  make({ kind: 'unique', columns: columnsOf(columns), severity: o.severity ?? 'error', name: o.name ?? `unique(${columnsOf(columns).join(', ')})` });

export const notNull = <const N extends string>(columns: N | readonly N[], o: CheckOptions = {}): CheckOf<'notNull', N> =>
  make({ kind: 'notNull', columns: columnsOf(columns), severity: o.severity ?? 'error', name: o.name ?? `notNull(${columnsOf(columns).join(', ')})` });

/** Every non-null value is one of these. */
export const acceptedValues = <N extends string>(column: N, values: readonly (string | number | boolean)[], o: CheckOptions = {}): CheckOf<'acceptedValues', N> =>
  make({ kind: 'acceptedValues', column, values: [...values], severity: o.severity ?? 'error', name: o.name ?? `acceptedValues(${column})` });

export const rowCount = (bounds: { min?: number; max?: number }, o: CheckOptions = {}): CheckOf<'rowCount', never> => {
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
export const expect = <N extends string>(name: string, predicate: Col<unknown, N>, o: Omit<CheckOptions, 'name'> = {}): CheckOf<'expect', N> =>
  make({ kind: 'expect', name, predicate: predicate.node, severity: o.severity ?? 'error' });
