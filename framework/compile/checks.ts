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
import { T, type DataType } from '../schema/types.ts';

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
        const outside = acceptedValuesCondition(q(c.column), output.schema.fields.find((f) => f.name === c.column)?.type, c.values, dialect);
        return { name: c.name, severity: c.severity, sql: `SELECT COUNT(*) AS failing_rows FROM ${from} WHERE ${q(c.column)} IS NOT NULL${outside ? ` AND ${outside}` : ''}` };
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

/**
 * When a non-null value is outside the accepted ones; null when none is accepted (every non-null
 * value fails, and `NOT IN ()` is not SQL). The local run compares JavaScript's String(value):
 * for most types that is the text CAST(... AS STRING) gives, but a double's text differs
 * (Spark writes 1.0 and 1.0E20, JavaScript 1 and 100000000000000000000), so doubles compare as
 * numbers, with the accepted values String() could produce for a double.
 */
function acceptedValuesCondition(column: string, type: DataType | undefined, values: readonly (string | number | boolean)[], dialect: SqlDialect): string | null {
  if (type?.kind === 'float64' || type?.kind === 'float32') {
    const numbers = values.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && String(Number(v)) === v ? Number(v) : undefined));
    const literals = [...new Set(numbers.filter((n) => n !== undefined).map((n) => dialect.literal(n, type)))];
    return literals.length ? `${column} NOT IN (${literals.join(', ')})` : null;
  }
  if (!values.length) return null;
  return `CAST(${column} AS ${dialect.typeName(T.string)}) NOT IN (${values.map((v) => dialect.stringLiteral(String(v))).join(', ')})`;
}
