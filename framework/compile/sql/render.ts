/**
 * Renders a bound plan as one SQL statement: each plan node becomes a common table expression
 * reading the previous ones, so the SQL follows the job's steps in order and each CTE names
 * its step in a comment. Inputs are temporary views (`input_<name>`) the driver creates.
 * Identifiers are always quoted and literals always escaped by the dialect: no user value is
 * ever pasted into SQL unquoted.
 */
import type { BoundExpr, BoundPlan, BoundSortKey, BoundWindowColumn, BoundWindowFrame } from '../../analyze/bound.ts';
import { assertNeverPlan } from '../../analyze/exhaustive.ts';
import { renderSql } from '../../functions/registry.ts';
import type { DatasetSchema } from '../../schema/types.ts';
import type { SqlDialect } from './dialect.ts';

export interface RenderedQuery {
  /** The full statement: WITH ... SELECT ... */
  readonly sql: string;
  /** Views the statement reads, one per job input. */
  readonly inputViews: Readonly<Record<string, string>>;
}

export function inputViewName(input: string): string {
  return `input_${input}`;
}

export function renderQuery(plan: BoundPlan, dialect: SqlDialect): RenderedQuery {
  const ctes: { name: string; comment: string; body: string }[] = [];
  const inputViews: Record<string, string> = {};
  const q = (name: string) => dialect.quoteIdentifier(name);
  const columnsOf = (schema: DatasetSchema, alias?: string) =>
    schema.fields.map((f) => (alias ? `${alias}.${q(f.name)}` : q(f.name))).join(', ');

  const expr = (e: BoundExpr, input: DatasetSchema, alias?: string) => renderExpr(e, input, dialect, alias);

  const sortKeys = (keys: readonly BoundSortKey[], input: DatasetSchema, key = (k: BoundSortKey) => expr(k.expr, input)) =>
    keys.map((k) => `${key(k)} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');

  const windowSql = (w: BoundWindowColumn, input: DatasetSchema): string => {
    const args = w.args.map((a) => expr(a, input));
    const parts: string[] = [];
    if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map((p) => expr(p, input)).join(', ')}`);
    const valued = w.frame?.unit === 'range' && (w.frame.start.kind === 'value' || w.frame.end.kind === 'value');
    if (w.orderBy.length) parts.push(`ORDER BY ${sortKeys(w.orderBy, input, valued ? (k) => dialect.rangeOrderKey(expr(k.expr, input), k.expr.type) : undefined)}`);
    if (w.frame) {
      const bound = (b: BoundWindowFrame['start']) => {
        switch (b.kind) {
          case 'unboundedPreceding':
            return 'UNBOUNDED PRECEDING';
          case 'unboundedFollowing':
            return 'UNBOUNDED FOLLOWING';
          case 'currentRow':
            return 'CURRENT ROW';
          case 'offset':
            return b.rows < 0 ? `${-b.rows} PRECEDING` : `${b.rows} FOLLOWING`;
          case 'value':
            return `${dialect.literal(b.amount, b.type)} ${b.preceding ? 'PRECEDING' : 'FOLLOWING'}`;
        }
      };
      parts.push(`${w.frame.unit.toUpperCase()} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}`);
    }
    const over = `(${parts.join(' ')})`;
    // Aggregates render without dialect wrappers here: the dialect decides how OVER attaches.
    if (w.fn.kind === 'aggregate') return dialect.windowAggregate(w.fn.fn.sql(args, w.argInfo, w.type), over, w.type);
    return `${renderSql(w.fn.fn, dialect.name)(args, w.argInfo, w.type)} OVER ${over}`;
  };

  const add = (n: BoundPlan, body: string): string => {
    const name = `step_${ctes.length + 1}`;
    ctes.push({ name, comment: `${n.step.label}${n.step.location ? ` (${n.step.location})` : ''}`, body });
    return name;
  };

  const visit = (n: BoundPlan): string => {
    switch (n.kind) {
      case 'scan': {
        const view = inputViewName(n.input);
        inputViews[n.input] = view;
        return add(n, `SELECT ${columnsOf(n.schema)} FROM ${q(view)}`);
      }
      case 'filter': {
        const from = visit(n.input);
        return add(n, `SELECT * FROM ${from} WHERE ${expr(n.predicate, n.input.schema)}`);
      }
      case 'project': {
        const from = visit(n.input);
        const cols = n.columns.map((c, i) => {
          const name = n.schema.fields[i].name;
          const sql = expr(c, n.input.schema);
          return sql === q(name) ? sql : `${sql} AS ${q(name)}`;
        });
        return add(n, `SELECT ${cols.join(', ')} FROM ${from}`);
      }
      case 'window': {
        const from = visit(n.input);
        const cols = n.columns.map((w) => `${windowSql(w, n.input.schema)} AS ${q(w.name)}`);
        return add(n, `SELECT *, ${cols.join(', ')} FROM ${from}`);
      }
      case 'aggregate': {
        const from = visit(n.input);
        const keys = n.groupBy.map((g) => expr(g, n.input.schema));
        const cols = [
          ...keys.map((k, i) => `${k} AS ${q(n.schema.fields[i].name)}`),
          ...n.aggregates.map((a, i) => {
            const args = a.args.map((x) => expr(x, n.input.schema));
            const sql = renderSql(a.fn, dialect.name)(a.distinct ? [`DISTINCT ${args.join(', ')}`] : args, a.argInfo, a.type);
            return `${sql} AS ${q(n.schema.fields[keys.length + i].name)}`;
          }),
        ];
        return add(n, `SELECT ${cols.join(', ')} FROM ${from}${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`);
      }
      case 'join': {
        const left = visit(n.left);
        const right = visit(n.right);
        const on = n.leftKeys.map((l, i) => `${expr(l, n.left.schema, 'l')} = ${expr(n.rightKeys[i], n.right.schema, 'r')}`).join(' AND ');
        const cols = n.output.map((o, i) => {
          const name = q(n.schema.fields[i].name);
          if (o.from === 'coalesce') return `COALESCE(l.${q(n.left.schema.fields[o.leftIndex].name)}, r.${q(n.right.schema.fields[o.rightIndex].name)}) AS ${name}`;
          const side = o.from === 'left' ? n.left.schema : n.right.schema;
          const src = `${o.from === 'left' ? 'l' : 'r'}.${q(side.fields[o.index].name)}`;
          return side.fields[o.index].name === n.schema.fields[i].name ? src : `${src} AS ${name}`;
        });
        return add(n, `SELECT ${cols.join(', ')} FROM ${left} AS l ${dialect.joinKeyword(n.how)} ${right} AS r ON ${on}`);
      }
      case 'union': {
        const parts = n.inputs.map((i) => `SELECT ${columnsOf(n.schema)} FROM ${visit(i)}`);
        return add(n, parts.join(' UNION ALL '));
      }
      case 'sort': {
        const from = visit(n.input);
        return add(n, `SELECT * FROM ${from} ORDER BY ${sortKeys(n.keys, n.input.schema)}`);
      }
      case 'limit': {
        const from = visit(n.input);
        return add(n, `SELECT * FROM ${from} LIMIT ${n.count}`);
      }
      case 'deduplicate': {
        const from = visit(n.input);
        const rn = q(uniqueName('__row_number', n.schema));
        const partition = n.keys.map((k) => expr(k, n.input.schema)).join(', ');
        return add(
          n,
          `SELECT ${columnsOf(n.schema)} FROM (SELECT *, row_number() OVER (PARTITION BY ${partition} ORDER BY ${sortKeys(n.orderBy, n.input.schema)}) AS ${rn} FROM ${from}) AS ranked WHERE ${rn} = 1`,
        );
      }
      case 'generate': {
        const from = visit(n.input);
        const generated = n.schema.fields.slice(n.input.schema.fields.length).map((f) => q(f.name));
        return add(n, dialect.lateralView(from, n.generator, n.outer, expr(n.expr, n.input.schema), q(uniqueName('generated', n.schema)), generated));
      }
      default:
        return assertNeverPlan(n);
    }
  };

  const last = visit(plan);
  const sql = `WITH\n${ctes.map((c) => `  -- ${commentText(c.comment)}\n  ${c.name} AS (\n    ${c.body}\n  )`).join(',\n')}\nSELECT ${columnsOf(plan.schema)} FROM ${last}`;
  return { sql, inputViews };
}

/** One expression over a relation with the given schema (columns optionally qualified by `alias`). */
export function renderExpr(e: BoundExpr, input: DatasetSchema, dialect: SqlDialect, alias?: string): string {
  const r = (x: BoundExpr) => renderExpr(x, input, dialect, alias);
  switch (e.kind) {
    case 'column': {
      const name = dialect.quoteIdentifier(input.fields[e.index].name);
      return alias ? `${alias}.${name}` : name;
    }
    case 'literal':
      return dialect.literal(e.value, e.type);
    case 'call':
      return renderSql(e.fn, dialect.name)(e.args.map(r), e.argInfo, e.type);
    case 'cast':
      return dialect.cast(r(e.expr), e.expr.type, e.type);
    case 'case': {
      const whens = e.branches.map((b) => `WHEN ${r(b.when)} THEN ${r(b.then)}`).join(' ');
      return `CASE ${whens}${e.otherwise ? ` ELSE ${r(e.otherwise)}` : ''} END`;
    }
  }
}

/**
 * A step label (which holds user text: input names, table names, file paths) as the text of a
 * `--` comment. Any line break ends the comment, a lone `\r` too in Spark's lexer, and what
 * followed would be SQL; `${` would be replaced by Spark's variable substitution.
 */
function commentText(label: string): string {
  return label.replace(/[\r\n]+/g, ' ').replace(/\$\{/g, '$ {');
}

function uniqueName(base: string, schema: DatasetSchema): string {
  let name = base;
  for (let i = 1; schema.fields.some((f) => f.name === name); i++) name = `${base}_${i}`;
  return name;
}
