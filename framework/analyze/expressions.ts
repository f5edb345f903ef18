/** Binds expressions against an input schema: names to indices, functions to the registry, types. */
import { aggregateFunctions, scalarFunctions } from '../functions/index.ts';
import { canCast } from '../functions/cast.ts';
import { isTypeProblem, type ArgInfo } from '../functions/registry.ts';
import { ExprNode, type Expr, type SortKey } from '../plan/expr.ts';
import type { Step } from '../plan/nodes.ts';
import { T, commonType, isOrderable, sameType, typeToString, type DataType, type DatasetSchema } from '../schema/types.ts';
import { AnalysisError, didYouMean } from '../errors/index.ts';
import type { BoundExpr, BoundSortKey } from './bound.ts';

export interface Scope {
  readonly job: string;
  readonly file?: string;
  readonly step: Step;
  readonly schema: DatasetSchema;
}

export function fail(scope: Pick<Scope, 'job' | 'file' | 'step'>, problem: string, hint?: string, column?: string): never {
  throw new AnalysisError({ job: scope.job, ...(scope.file ? { file: scope.file } : {}), step: scope.step, ...(column ? { column } : {}) }, problem, hint);
}

/**
 * The column a name refers to: the same name, else the one name equal to it ignoring case, as
 * Spark resolves names by default (the analyzer refuses schemas with names that differ only in
 * case, so there is at most one).
 */
export function columnIndex(scope: Scope, name: string): number {
  const i = findColumn(scope.schema, name);
  if (i >= 0) return i;
  const names = scope.schema.fields.map((f) => f.name);
  fail(scope, `column '${name}' does not exist`, didYouMean(name, names) ?? `available columns: ${names.join(', ')}`, name);
}

function findColumn(schema: DatasetSchema, name: string): number {
  const i = schema.fields.findIndex((f) => f.name === name);
  return i >= 0 ? i : schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

/**
 * `device.os` when no column has that name: the field `os` of the struct column `device`, as
 * Spark resolves a dotted name (its first part a column, each next part a field of the struct
 * before). Null when the name is no such path, so that the caller reports the missing column.
 */
export function fieldPath(schema: DatasetSchema, name: string): Expr | null {
  const [head, ...fields] = name.split('.');
  if (fields.length === 0 || findColumn(schema, name) >= 0 || findColumn(schema, head) < 0) return null;
  return fields.reduce<Expr>((struct, f) => ExprNode.call('get_field', [struct, ExprNode.literal(f, T.string)]), ExprNode.column(head));
}

export function bindExpr(e: Expr, scope: Scope): BoundExpr {
  switch (e.kind) {
    case 'column': {
      const path = fieldPath(scope.schema, e.name);
      if (path) return bindExpr(path, scope);
      const index = columnIndex(scope, e.name);
      return { kind: 'column', index, name: e.name, type: scope.schema.fields[index].type };
    }
    case 'literal':
      return { kind: 'literal', value: e.value, type: e.type };
    case 'alias':
      return bindExpr(e.expr, scope);
    case 'call': {
      const fn = scalarFunctions.get(e.fn);
      if (!fn) {
        const hint = aggregateFunctions.get(e.fn)
          ? `'${e.fn}' is an aggregate: use it in groupBy(...).agg(...) or with .over(window)`
          : didYouMean(e.fn, scalarFunctions.names());
        fail(scope, `unknown function '${e.fn}'`, hint);
      }
      const args = e.args.map((a) => bindExpr(a, scope));
      const [min, max] = fn.arity;
      if (args.length < min || args.length > max) {
        fail(scope, `${fn.name} takes ${min === max ? min : `${min} to ${max === Infinity ? 'any number of' : max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`);
      }
      const argInfo = args.map(argInfoOf);
      const type = fn.resolve(argInfo);
      if (isTypeProblem(type)) fail(scope, `${fn.name}(${argInfo.map((a) => typeToString(a.type)).join(', ')}): ${type.problem}`);
      return { kind: 'call', fn, args, argInfo, type };
    }
    case 'case': {
      const branches = e.branches.map((b) => {
        const when = bindExpr(b.when, scope);
        if (when.type.kind !== 'boolean' && when.type.kind !== 'null') fail(scope, `when(...) condition must be boolean, got ${typeToString(when.type)}`);
        return { when, then: bindExpr(b.then, scope) };
      });
      const otherwise = e.otherwise ? bindExpr(e.otherwise, scope) : null;
      let type: DataType = T.null;
      for (const v of [...branches.map((b) => b.then), ...(otherwise ? [otherwise] : [])]) {
        const t = commonType(type, v.type);
        if (!t) fail(scope, `when/otherwise branches have incompatible types ${typeToString(type)} and ${typeToString(v.type)}`, 'cast one branch with .cast(...)');
        type = t;
      }
      return { kind: 'case', branches, otherwise, type };
    }
    case 'cast': {
      const inner = bindExpr(e.expr, scope);
      if (!canCast(inner.type, e.to)) fail(scope, `cannot cast ${typeToString(inner.type)} to ${typeToString(e.to)}`);
      return { kind: 'cast', expr: inner, type: e.to };
    }
    case 'aggregate':
      fail(scope, `aggregate ${e.fn}(...) used outside groupBy(...).agg(...)`, 'aggregate in groupBy(...).agg(...), or add .over(window) to make it a window function');
    case 'window':
      fail(scope, `window function ${e.fn}(...) is not allowed here`, 'window functions belong in select or withColumn');
  }
}

export function argInfoOf(b: BoundExpr): ArgInfo {
  return b.kind === 'literal' ? { type: b.type, literal: { value: b.value } } : { type: b.type };
}

export function bindSortKey(k: SortKey, scope: Scope): BoundSortKey {
  const expr = bindExpr(k.expr, scope);
  if (!isOrderable(expr.type)) fail(scope, `cannot order by a value of type ${typeToString(expr.type)}`);
  return { expr, ascending: k.ascending, nullsFirst: k.nullsFirst };
}

/** Wraps in a cast when the type differs. */
export function castTo(b: BoundExpr, to: DataType): BoundExpr {
  return sameType(b.type, to) ? b : { kind: 'cast', expr: b, type: to };
}

/** Whether a bound expression can produce null (conservative). */
export function nullable(b: BoundExpr, schema: DatasetSchema): boolean {
  switch (b.kind) {
    case 'column':
      return schema.fields[b.index].nullable;
    case 'literal':
      return b.value === null;
    case 'cast':
      // string -> number/date casts yield null on bad input
      return nullable(b.expr, schema) || b.expr.type.kind === 'string' || b.expr.type.kind !== b.type.kind;
    case 'case':
      return b.otherwise === null || b.branches.some((x) => nullable(x.then, schema)) || nullable(b.otherwise, schema);
    case 'call':
      if (b.fn.name === 'isnull' || b.fn.name === 'isnotnull' || b.fn.name === '<=>') return false;
      if (b.fn.name === 'coalesce') return b.args.every((a) => nullable(a, schema));
      if ((b.fn.name === 'to_date' || b.fn.name === 'to_timestamp') && b.args.length === 1 && b.args[0].type.kind !== 'string') return nullable(b.args[0], schema);
      if (NEVER_NULL_ON_VALID_INPUT.has(b.fn.name)) return b.args.some((a) => nullable(a, schema));
      return true;
  }
}

/** Functions that return a value whenever all arguments are non-null. Others (/, casts, parsing) may yield null. */
const NEVER_NULL_ON_VALID_INPUT = new Set([
  '+', '-', '*', 'negative', '=', '!=', '<', '<=', '>', '>=', 'and', 'or', 'not', 'in', 'between', 'like',
  'lower', 'upper', 'trim', 'ltrim', 'rtrim', 'length', 'substring', 'concat', 'concat_ws', 'regexp_replace', 'regexp_extract',
  'date_trunc', 'date_format', 'date_add', 'date_sub', 'datediff', 'year', 'month', 'dayofmonth', 'hour', 'minute',
  'unix_timestamp', 'from_unixtime', 'abs', 'round', 'floor', 'ceil',
  'second', 'quarter', 'dayofweek', 'dayofyear', 'weekofyear', 'last_day', 'add_months', 'unix_micros', 'unix_millis', 'unix_seconds',
  'timestamp_micros', 'timestamp_millis', 'timestampdiff', 'timestampadd', 'from_utc_timestamp', 'to_utc_timestamp',
]);
