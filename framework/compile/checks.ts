/**
 * Data checks as SQL for the driver: each is a SELECT over the job's result (the temporary
 * view `__output`) returning one row with `failing_rows`, counted the way the local engine
 * counts them (framework/run/checks.ts).
 */
import type { Check } from '../dsl/checks.ts';
import type { BoundOutput } from '../analyze/output.ts';
import { bindExpr } from '../analyze/expressions.ts';
import { renderExpr } from './sql/render.ts';
import type { SqlDialect } from './sql/dialect.ts';

export interface CompiledCheck {
  readonly name: string;
  readonly severity: 'error' | 'warn';
  readonly sql: string;
}

export const OUTPUT_VIEW = '__output';

export function compileChecks(checks: readonly Check[], output: BoundOutput, dialect: SqlDialect): CompiledCheck[] {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const from = q(OUTPUT_VIEW);
  const required = output.requiredColumns.map((c) => ({
    name: `${c} is declared non-null`,
    severity: 'error' as const,
    sql: `SELECT COUNT(*) AS failing_rows FROM ${from} WHERE ${q(c)} IS NULL`,
  }));
  const compiled = checks.map((c): CompiledCheck => {
    switch (c.kind) {
      case 'notNull':
        return { name: c.name, severity: c.severity, sql: `SELECT ${c.columns.map((x) => `COUNT(*) - COUNT(${q(x)})`).join(' + ')} AS failing_rows FROM ${from}` };
      case 'unique': {
        const cols = c.columns.map(q).join(', ');
        const notNull = c.columns.map((x) => `${q(x)} IS NOT NULL`).join(' AND ');
        return {
          name: c.name,
          severity: c.severity,
          sql: `SELECT COALESCE(SUM(n - 1), 0) AS failing_rows FROM (SELECT COUNT(*) AS n FROM ${from} WHERE ${notNull} GROUP BY ${cols} HAVING COUNT(*) > 1) AS dupes`,
        };
      }
      case 'acceptedValues': {
        const values = c.values.map((v) => dialect.stringLiteral(String(v))).join(', ');
        return { name: c.name, severity: c.severity, sql: `SELECT COUNT(*) AS failing_rows FROM ${from} WHERE ${q(c.column)} IS NOT NULL AND CAST(${q(c.column)} AS STRING) NOT IN (${values})` };
      }
      case 'rowCount': {
        const conds = [c.min !== undefined ? `COUNT(*) < ${c.min}` : '', c.max !== undefined ? `COUNT(*) > ${c.max}` : ''].filter(Boolean);
        return { name: c.name, severity: c.severity, sql: `SELECT CASE WHEN ${conds.length ? conds.join(' OR ') : 'FALSE'} THEN 1 ELSE 0 END AS failing_rows FROM ${from}` };
      }
      case 'expect': {
        const bound = bindExpr(c.predicate, { job: '', step: { label: `check '${c.name}'` }, schema: output.schema });
        return { name: c.name, severity: c.severity, sql: `SELECT COUNT(*) AS failing_rows FROM ${from} WHERE NOT COALESCE(${renderExpr(bound, output.schema, dialect)}, FALSE)` };
      }
    }
  });
  return [...required, ...compiled];
}
