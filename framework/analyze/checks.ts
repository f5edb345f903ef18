/**
 * Binds a job's data checks to its output, once, for every consumer: the local run
 * (framework/run/checks.ts), the driver's SQL (framework/compile/checks.ts) and testJob. A check
 * naming a column the output lacks is an analysis error, so `etl plan` and `etl deploy` refuse it
 * as `etl run` does. Columns resolve as any other reference (case-insensitively, as Spark does).
 */
import type { Check, Severity } from '../dsl/checks.ts';
import { typeToString, type DataType } from '../schema/types.ts';
import type { BoundExpr } from './bound.ts';
import type { BoundOutput } from './output.ts';
import { bindExpr, columnIndex, fail, type Scope } from './expressions.ts';

/** A column a check reads: its position, spelling and type in the output table. */
export interface CheckColumn {
  readonly index: number;
  readonly name: string;
  readonly type: DataType;
}

interface BoundCheckBase {
  readonly name: string;
  readonly severity: Severity;
}

export type BoundCheck =
  /** A column the declared output schema makes non-nullable: a null there fails the run. */
  | (BoundCheckBase & { readonly kind: 'declaredNotNull'; readonly column: CheckColumn })
  | (BoundCheckBase & { readonly kind: 'notNull'; readonly columns: readonly CheckColumn[] })
  | (BoundCheckBase & { readonly kind: 'unique'; readonly columns: readonly CheckColumn[] })
  | (BoundCheckBase & { readonly kind: 'acceptedValues'; readonly column: CheckColumn; readonly values: readonly (string | number | boolean)[] })
  | (BoundCheckBase & { readonly kind: 'rowCount'; readonly min?: number; readonly max?: number })
  | (BoundCheckBase & { readonly kind: 'expect'; readonly predicate: BoundExpr });

export type BoundCheckKind = BoundCheck['kind'];

/** The output's declared non-null columns, then the job's checks, in the order they are reported. */
export function bindChecks(checks: readonly Check[], output: BoundOutput, ctx: { job: string; file?: string }): BoundCheck[] {
  const scope = (label: string): Scope => ({ job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step: { label }, schema: output.schema });
  const column = (s: Scope, name: string): CheckColumn => {
    const index = columnIndex(s, name);
    const f = output.schema.fields[index];
    return { index, name: f.name, type: f.type };
  };
  const declared = output.requiredColumns.map((name): BoundCheck => {
    const s = scope(`declared non-null column ${name}`);
    return { kind: 'declaredNotNull', name: `${name} is declared non-null`, severity: 'error', column: column(s, name) };
  });
  const bound = checks.map((c): BoundCheck => {
    const base = { name: c.name, severity: c.severity };
    switch (c.kind) {
      case 'notNull':
      case 'unique': {
        const s = scope(`check ${c.name}`);
        return { ...base, kind: c.kind, columns: c.columns.map((x) => column(s, x)) };
      }
      case 'acceptedValues':
        return { ...base, kind: 'acceptedValues', column: column(scope(`check ${c.name}`), c.column), values: c.values };
      case 'rowCount':
        return { ...base, kind: 'rowCount', ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) };
      case 'expect': {
        const s = scope(`check '${c.name}'`);
        const predicate = bindExpr(c.predicate, s);
        if (predicate.type.kind !== 'boolean') fail(s, `the check's expression must be boolean, got ${typeToString(predicate.type)}`, 'compare the value, e.g. col(x).ge(0) or col(x).isNotNull()');
        return { ...base, kind: 'expect', predicate };
      }
    }
  });
  return [...declared, ...bound];
}
