/**
 * Data checks as SQL for the driver: each is a SELECT over the job's result (the temporary
 * view `__output`) returning one row with `failing_rows`, counted the way the local engine
 * counts them (framework/run/checks.ts). The checks come bound by the analyzer
 * (framework/analyze/checks.ts): their columns exist and are spelt as the output spells them.
 */
import type { BoundCheck } from '../analyze/checks.ts';
import { renderExpr } from './sql/render.ts';
import type { SqlDialect } from './sql/dialect.ts';
import { T, type DataType, type DatasetSchema } from '../schema/types.ts';

export interface CompiledCheck {
  readonly name: string;
  readonly severity: 'error' | 'warn';
  readonly sql: string;
  /**
   * The same count as one aggregate expression over `__output`, when the check is one (all but
   * `unique`): the driver computes all of these in a single query, one pass over the result.
   */
  readonly aggregate?: string;
}

export const OUTPUT_VIEW = '__output';

/** `schema`: the output table's, which the checks were bound to. */
export function compileChecks(checks: readonly BoundCheck[], schema: DatasetSchema, dialect: SqlDialect): CompiledCheck[] {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const from = q(OUTPUT_VIEW);
  return checks.map((c): CompiledCheck => {
    const aggregate = (expr: string): CompiledCheck => ({ name: c.name, severity: c.severity, sql: `SELECT ${expr} AS failing_rows FROM ${from}`, aggregate: expr });
    // COUNT(CASE WHEN ... THEN 1 END) counts the rows a WHERE would keep (its condition is never null here).
    const rowsWhere = (condition: string) => aggregate(`COUNT(CASE WHEN ${condition} THEN 1 END)`);
    switch (c.kind) {
      case 'declaredNotNull':
        return rowsWhere(`${q(c.column.name)} IS NULL`);
      case 'notNull':
        return aggregate(c.columns.map((x) => `COUNT(*) - COUNT(${q(x.name)})`).join(' + '));
      case 'unique': {
        const cols = c.columns.map((x) => q(x.name)).join(', ');
        const notNull = c.columns.map((x) => `${q(x.name)} IS NOT NULL`).join(' AND ');
        return { name: c.name, severity: c.severity, sql: `SELECT COALESCE(SUM(n - 1), 0) AS failing_rows FROM (SELECT COUNT(*) AS n FROM ${from} WHERE ${notNull} GROUP BY ${cols} HAVING COUNT(*) > 1) AS dupes` };
      }
      case 'acceptedValues': {
        const outside = acceptedValuesCondition(q(c.column.name), c.column.type, c.values, dialect);
        return rowsWhere(`${q(c.column.name)} IS NOT NULL${outside ? ` AND ${outside}` : ''}`);
      }
      case 'rowCount': {
        const conds = [c.min !== undefined ? `COUNT(*) < ${c.min}` : '', c.max !== undefined ? `COUNT(*) > ${c.max}` : ''].filter(Boolean);
        return aggregate(`CASE WHEN ${conds.length ? conds.join(' OR ') : 'FALSE'} THEN 1 ELSE 0 END`);
      }
      case 'expect':
        return rowsWhere(`NOT COALESCE(${renderExpr(c.predicate, schema, dialect)}, FALSE)`);
    }
  });
}

/**
 * When a non-null value is outside the accepted ones; null when none is accepted (every non-null
 * value fails, and `NOT IN ()` is not SQL). The local run compares JavaScript's String(value):
 * for most types that is the text CAST(... AS STRING) gives, but a double's text differs
 * (Spark writes 1.0 and 1.0E20, JavaScript 1 and 100000000000000000000), so doubles compare as
 * numbers, with the accepted values String() could produce for a double.
 */
function acceptedValuesCondition(column: string, type: DataType, values: readonly (string | number | boolean)[], dialect: SqlDialect): string | null {
  if (type.kind === 'float64' || type.kind === 'float32') {
    const numbers = values.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && String(Number(v)) === v ? Number(v) : undefined));
    const literals = [...new Set(numbers.filter((n) => n !== undefined).map((n) => dialect.literal(n, type)))];
    return literals.length ? `${column} NOT IN (${literals.join(', ')})` : null;
  }
  if (!values.length) return null;
  return `CAST(${column} AS ${dialect.typeName(T.string)}) NOT IN (${values.map((v) => dialect.stringLiteral(String(v))).join(', ')})`;
}
