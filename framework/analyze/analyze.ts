/**
 * The analyzer: resolves names and types of a logical plan and produces the bound plan the
 * engine and compilers consume. Every problem is an AnalysisError naming the job file, the
 * step and the column, with a suggestion where one exists.
 */
import { aggregateFunctions, windowFunctions } from '../functions/index.ts';
import { isTypeProblem, type ArgInfo } from '../functions/registry.ts';
import { exprChildren, ExprNode, type AggregateCall, type Expr, type WindowCall } from '../plan/expr.ts';
import { assertNeverPlan } from './exhaustive.ts';
import type { Generator, PlanNode, Step } from '../plan/nodes.ts';
import { T, commonType, field, schemaOf, typeToString, type DataType, type DatasetSchema, type Field } from '../schema/types.ts';
import { didYouMean } from '../errors/index.ts';
import type { BoundAggregate, BoundExpr, BoundPlan, BoundWindowColumn, JoinOutputColumn } from './bound.ts';
import { argInfoOf, bindExpr, bindSortKey, castTo, columnIndex, fail, fieldPath, nullable, type Scope } from './expressions.ts';
import { MAX_KEY_COLUMNS } from '../engine/keys.ts';
import { bindFrame } from './frame.ts';

export interface AnalyzeContext {
  readonly job: string;
  readonly file?: string;
}

export function analyze(plan: PlanNode, ctx: AnalyzeContext): BoundPlan {
  const scope = (step: Step, schema: DatasetSchema): Scope => ({ job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step, schema });

  /**
   * Names resolve as in Spark (spark.sql.caseSensitive=false, its default): a reference matches a
   * column whatever its case (columnIndex), so no step may produce two columns whose names differ
   * only in case: Spark could not tell them apart (AMBIGUOUS_REFERENCE) where the local engine
   * could, and a plan that runs locally must run on Spark.
   */
  const visit = (n: PlanNode): BoundPlan => {
    const bound = bind(n);
    const seen = new Map<string, string>();
    for (const f of bound.schema.fields) {
      const other = seen.get(f.name.toLowerCase());
      if (other !== undefined && other !== f.name) {
        fail(
          scope(bound.step, bound.schema),
          `columns '${other}' and '${f.name}' differ only in case: Spark matches column names case-insensitively, so it could not tell them apart`,
          `rename one of them, e.g. .rename({ ${JSON.stringify(f.name)}: ${JSON.stringify(`${f.name}_2`)} })`,
          f.name,
        );
      }
      seen.set(f.name.toLowerCase(), f.name);
    }
    return bound;
  };

  const bind = (n: PlanNode): BoundPlan => {
    switch (n.kind) {
      case 'scan':
        return { kind: 'scan', step: n.step, schema: n.schema, input: n.input };

      case 'filter': {
        const input = visit(n.input);
        const predicate = bindExpr(n.predicate, scope(n.step, input.schema));
        if (predicate.type.kind !== 'boolean') fail(scope(n.step, input.schema), `filter condition must be boolean, got ${typeToString(predicate.type)}`, 'compare the value, e.g. col(x).isNotNull() or col(x).gt(0)');
        return { kind: 'filter', step: n.step, schema: input.schema, input, predicate };
      }

      case 'project': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const columns = n.columns.map((c) => bindExpr(c.expr, s));
        // A selected struct field (`device.os`) is named after the field, as Spark names it.
        const names = n.columns.map((c) => (c.expr.kind === 'column' && c.name === c.expr.name && fieldPath(input.schema, c.name) ? c.name.slice(c.name.lastIndexOf('.') + 1) : c.name));
        assertUniqueNames(s, names);
        return project(n.step, input, names, columns);
      }

      case 'withColumns': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const names = input.schema.fields.map((f) => f.name);
        const columns: BoundExpr[] = input.schema.fields.map((f, index) => ({ kind: 'column', index, name: f.name, type: f.type }));
        for (const c of n.columns) {
          const bound = bindExpr(c.expr, s);
          // As Spark's withColumn: an existing column of the same name, in any case, is replaced (and takes the new spelling).
          const at = names.findIndex((x) => x.toLowerCase() === c.name.toLowerCase());
          if (at >= 0) {
            columns[at] = bound;
            names[at] = c.name;
          } else {
            names.push(c.name);
            columns.push(bound);
          }
        }
        return project(n.step, input, names, columns);
      }

      case 'drop': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const dropped = new Set(n.columns.map((c) => columnIndex(s, c)));
        const keep = input.schema.fields.map((f, index) => ({ f, index })).filter(({ index }) => !dropped.has(index));
        return project(n.step, input, keep.map((k) => k.f.name), keep.map(({ f, index }) => ({ kind: 'column', index, name: f.name, type: f.type })));
      }

      case 'rename': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const names = input.schema.fields.map((f) => f.name);
        for (const r of n.renames) names[columnIndex(s, r.from)] = r.to;
        assertUniqueNames(s, names);
        return project(n.step, input, names, input.schema.fields.map((f, index) => ({ kind: 'column', index, name: f.name, type: f.type })));
      }

      case 'window': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const columns = n.columns.map((c) => bindWindow(c.name, c.call, s));
        const neverNull = new Set(['row_number', 'rank', 'dense_rank', 'count']);
        const fields = [...input.schema.fields, ...columns.map((c) => field(c.name, c.type, !neverNull.has(c.fn.fn.name)))];
        return { kind: 'window', step: n.step, schema: schemaOf(fields), input, columns };
      }

      case 'aggregate':
        return bindAggregate(n, visit(n.input));

      case 'join': {
        const left = visit(n.left);
        const right = visit(n.right);
        return bindJoin(n, left, right);
      }

      case 'union': {
        const inputs = n.inputs.map(visit);
        return bindUnion(n, inputs);
      }

      case 'sort': {
        const input = visit(n.input);
        const keys = n.keys.map((k) => bindSortKey(k, scope(n.step, input.schema)));
        return { kind: 'sort', step: n.step, schema: input.schema, input, keys };
      }

      case 'limit': {
        const input = visit(n.input);
        if (!Number.isInteger(n.count) || n.count < 0) fail(scope(n.step, input.schema), `limit must be a whole number >= 0, got ${n.count}`);
        return { kind: 'limit', step: n.step, schema: input.schema, input, count: n.count };
      }

      case 'deduplicate': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        if (n.keys.length === 0) fail(s, 'dropDuplicates needs at least one key column');
        checkKeyWidth(s, 'dropDuplicates', n.keys.length);
        if (n.orderBy.length === 0) fail(s, 'dropDuplicates needs an order to choose the row it keeps', "pass { orderBy: col('ts') } (Spark would keep an arbitrary row)");
        const keys = n.keys.map((k) => bindExpr(ExprNode.column(k), s));
        const orderBy = n.orderBy.map((k) => bindSortKey(k, s));
        return { kind: 'deduplicate', step: n.step, schema: input.schema, input, keys, orderBy };
      }

      case 'generate': {
        const input = visit(n.input);
        const s = scope(n.step, input.schema);
        const expr = bindExpr(n.expr, s);
        const generated = generatedFields(n.generator, n.outer, expr.type);
        if (!generated) fail(s, `${n.generator} needs an array or a map, got ${typeToString(expr.type)}`);
        if (n.names.length && n.names.length !== generated.length) {
          fail(s, `${n.generator} of ${typeToString(expr.type)} makes ${generated.length} columns (${generated.map((f) => f.name).join(', ')}), but ${n.names.length} names were given`, `pass { as: [${generated.map((f) => `'${f.name}'`).join(', ')}] } with your names`);
        }
        const fields = [...input.schema.fields, ...generated.map((f, i) => (n.names.length ? field(n.names[i], f.type, f.nullable) : f))];
        assertUniqueNames(s, fields.map((f) => f.name));
        return { kind: 'generate', step: n.step, schema: schemaOf(fields), input, generator: n.generator, outer: n.outer, expr };
      }

      default:
        return assertNeverPlan(n);
    }
  };

  /** Spark's generated columns and their default names: [pos,] col for an array, [pos,] key, value for a map; all null for an outer row. */
  function generatedFields(generator: Generator, outer: boolean, t: DataType): Field[] | null {
    const values = t.kind === 'array' ? [field('col', t.element, true)] : t.kind === 'map' ? [field('key', t.key, outer), field('value', t.value, true)] : null;
    if (!values) return null;
    return generator === 'posexplode' ? [field('pos', T.int32, outer), ...values] : values;
  }

  function project(step: Step, input: BoundPlan, names: readonly string[], columns: readonly BoundExpr[]): BoundPlan {
    const fields = columns.map((c, i) => {
      const source = c.kind === 'column' ? input.schema.fields[c.index] : undefined;
      const extra: Partial<Field> = {};
      if (source?.comment) (extra as { comment?: string }).comment = source.comment;
      if (source?.enumValues) (extra as { enumValues?: readonly string[] }).enumValues = source.enumValues;
      return field(names[i], c.type, nullable(c, input.schema), extra);
    });
    return { kind: 'project', step, schema: schemaOf(fields), input, columns };
  }

  function assertUniqueNames(s: Scope, names: readonly string[]): void {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) fail(s, `column '${n}' appears twice in the result`, 'give one of them another name');
      seen.add(n);
    }
  }

  function bindWindow(name: string, call: WindowCall, s: Scope): BoundWindowColumn {
    const args = call.args.map((a) => bindExpr(a, s));
    const argInfo = args.map(argInfoOf);
    checkKeyWidth(s, `the window of ${name}: partitionBy`, call.spec.partitionBy.length);
    const partitionBy = call.spec.partitionBy.map((p) => bindExpr(p, s));
    const orderBy = call.spec.orderBy.map((k) => bindSortKey(k, s));
    const ranking = windowFunctions.get(call.fn);
    if (ranking) {
      checkArity(s, call.fn, ranking.arity, args.length);
      if (ranking.requiresOrder && orderBy.length === 0) fail(s, `${call.fn}() needs an ordered window`, `add .orderBy(...) to the window: Window.partitionBy(...).orderBy(col('ts'))`);
      if (!ranking.allowsFrame && call.spec.frame) fail(s, `${call.fn}() does not take a window frame`, `remove ${call.spec.frame.unit}Between(...)`);
      const type = ranking.resolve(argInfo);
      if (isTypeProblem(type)) fail(s, `${call.fn}: ${type.problem}`);
      return { name, fn: { kind: 'ranking', fn: ranking }, args, argInfo, partitionBy, orderBy, frame: null, type };
    }
    const agg = aggregateFunctions.get(call.fn);
    if (!agg) fail(s, `unknown window function '${call.fn}'`, didYouMean(call.fn, [...windowFunctions.names(), ...aggregateFunctions.names()]));
    checkArity(s, call.fn, agg.arity, args.length);
    if (agg.notOverWindow) fail(s, `${call.fn} cannot be used over a window: ${agg.notOverWindow}`);
    const type = agg.resolve(argInfo);
    if (isTypeProblem(type)) fail(s, `${call.fn}: ${type.problem}`);
    const frame = bindFrame(s, call.fn, call.spec.frame, orderBy);
    return { name, fn: { kind: 'aggregate', fn: agg }, args, argInfo, partitionBy, orderBy, frame, type };
  }

  /** The local engine hashes keys of at most MAX_KEY_COLUMNS columns; Spark has no such limit, so the job is refused before it runs anywhere. */
  function checkKeyWidth(s: Scope, what: string, columns: number): void {
    if (columns > MAX_KEY_COLUMNS) {
      fail(s, `${what} has ${columns} key columns; the local engine hashes keys of at most ${MAX_KEY_COLUMNS}`, 'combine some key columns into one first, e.g. with concat_ws(...)');
    }
  }

  function checkArity(s: Scope, name: string, [min, max]: readonly [number, number], n: number): void {
    if (n < min || n > max) fail(s, `${name} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${n}`);
  }

  function bindAggregate(n: Extract<PlanNode, { kind: 'aggregate' }>, input: BoundPlan): BoundPlan {
    const s = scope(n.step, input.schema);
    checkKeyWidth(s, 'groupBy', n.groupBy.length);
    const groupBy = n.groupBy.map((g) => bindExpr(g.expr, s));
    const aggregates: BoundAggregate[] = [];
    const hiddenName = (i: number) => `__agg_${i}`;
    // Each aggregate call becomes one accumulator; the named results are then computed over
    // (keys ++ accumulators) by a projection, so `sum(x) / count()` works like in SQL.
    const rewrite = (e: Expr): Expr => {
      if (e.kind === 'aggregate') {
        aggregates.push(bindAggregateCall(e, hiddenName(aggregates.length), s));
        return ExprNode.column(hiddenName(aggregates.length - 1));
      }
      if (e.kind === 'window') fail(s, `window function ${e.fn}() cannot be used inside agg(...)`);
      switch (e.kind) {
        case 'column':
          if (!n.groupBy.some((g) => g.name.toLowerCase() === e.name.toLowerCase())) {
            fail(s, `column '${e.name}' is neither grouped nor aggregated`, `add it to groupBy(...) or wrap it in an aggregate such as max('${e.name}')`, e.name);
          }
          return e;
        case 'literal':
          return e;
        case 'call':
          return ExprNode.call(e.fn, e.args.map(rewrite));
        case 'case':
          return ExprNode.caseWhen(e.branches.map((b) => ({ when: rewrite(b.when), then: rewrite(b.then) })), e.otherwise ? rewrite(e.otherwise) : null);
        case 'cast':
          return ExprNode.cast(rewrite(e.expr), e.to);
        case 'alias':
          return rewrite(e.expr);
      }
    };
    const outputs = n.aggregates.map((a) => ({ name: a.name, expr: rewrite(a.expr) }));
    const keyFields = n.groupBy.map((g, i) => field(g.name, groupBy[i].type, nullable(groupBy[i], input.schema)));
    const aggSchema = schemaOf([...keyFields, ...aggregates.map((a) => field(a.name, a.type, a.fn.name !== 'count'))]);
    const aggNode: BoundPlan = { kind: 'aggregate', step: n.step, schema: aggSchema, input, groupBy, aggregates };
    const names = [...n.groupBy.map((g) => g.name), ...outputs.map((o) => o.name)];
    assertUniqueNames(s, names);
    const ps = scope(n.step, aggSchema);
    const columns = [...keyFields.map((f, index): BoundExpr => ({ kind: 'column', index, name: f.name, type: f.type })), ...outputs.map((o) => bindExpr(o.expr, ps))];
    const trivial = columns.length === aggSchema.fields.length && columns.every((c, i) => c.kind === 'column' && c.index === i) && names.every((nm, i) => nm === aggSchema.fields[i].name);
    return trivial ? aggNode : project(n.step, aggNode, names, columns);
  }

  function bindAggregateCall(e: AggregateCall, name: string, s: Scope): BoundAggregate {
    const fn = aggregateFunctions.get(e.fn);
    if (!fn) fail(s, `unknown aggregate '${e.fn}'`, didYouMean(e.fn, aggregateFunctions.names()));
    for (const a of e.args) if (containsAggregate(a)) fail(s, `aggregate ${e.fn}(...) contains another aggregate`, 'aggregate in two steps: groupBy twice');
    const args = e.args.map((a) => bindExpr(a, s));
    checkArity(s, e.fn, fn.arity, args.length);
    if (e.distinct && !fn.supportsDistinct) fail(s, `${e.fn} does not support DISTINCT`);
    const argInfo: ArgInfo[] = args.map(argInfoOf);
    const type = fn.resolve(argInfo);
    if (isTypeProblem(type)) fail(s, `${e.fn}(${argInfo.map((a) => typeToString(a.type)).join(', ')}): ${type.problem}`);
    return { name, fn, args, argInfo, distinct: e.distinct, type };
  }

  function bindJoin(n: Extract<PlanNode, { kind: 'join' }>, left: BoundPlan, right: BoundPlan): BoundPlan {
    const ls = scope(n.step, left.schema);
    const rs = scope(n.step, right.schema);
    if (n.on.length === 0) fail(ls, 'join needs at least one key', "join(other, 'user_id') or join(other, [{ left: 'uid', right: 'id' }])");
    checkKeyWidth(ls, 'join', n.on.length);
    const leftKeys: BoundExpr[] = [];
    const rightKeys: BoundExpr[] = [];
    for (const k of n.on) {
      const l = bindExpr(ExprNode.column(k.left), { ...ls, step: { ...n.step, label: `${n.step.label}, left side` } });
      const r = bindExpr(ExprNode.column(k.right), { ...rs, step: { ...n.step, label: `${n.step.label}, right side` } });
      const t = commonType(l.type, r.type);
      if (!t) fail(ls, `join key ${k.left} (${typeToString(l.type)}) cannot be compared with ${k.right} (${typeToString(r.type)})`, 'cast one side first');
      leftKeys.push(castTo(l, t));
      rightKeys.push(castTo(r, t));
    }
    const usingKeys = new Set(n.on.filter((k) => k.left === k.right).map((k) => k.left));
    const output: JoinOutputColumn[] = [];
    const fields: Field[] = [];
    const leftNullable = n.how === 'right' || n.how === 'full';
    const rightNullable = n.how === 'left' || n.how === 'full';
    left.schema.fields.forEach((f, index) => {
      if (usingKeys.has(f.name) && (n.how === 'right' || n.how === 'full')) {
        const rightIndex = right.schema.fields.findIndex((x) => x.name === f.name);
        const t = commonType(f.type, right.schema.fields[rightIndex].type) as DataType;
        output.push(n.how === 'right' ? { from: 'right', index: rightIndex } : { from: 'coalesce', leftIndex: index, rightIndex });
        fields.push(field(f.name, t, n.how === 'full' ? f.nullable || right.schema.fields[rightIndex].nullable : right.schema.fields[rightIndex].nullable));
      } else {
        output.push({ from: 'left', index });
        fields.push({ ...f, nullable: f.nullable || (leftNullable && !usingKeys.has(f.name)) });
      }
    });
    if (n.how !== 'semi' && n.how !== 'anti') {
      right.schema.fields.forEach((f, index) => {
        if (usingKeys.has(f.name)) return;
        if (fields.some((x) => x.name.toLowerCase() === f.name.toLowerCase())) {
          fail(rs, `column '${f.name}' exists on both sides of the join`, `rename it on one side first, e.g. .rename({ ${f.name}: '${f.name}_right' })`, f.name);
        }
        output.push({ from: 'right', index });
        fields.push({ ...f, nullable: f.nullable || rightNullable });
      });
    }
    return { kind: 'join', step: n.step, schema: schemaOf(fields), left, right, how: n.how, leftKeys, rightKeys, output };
  }

  function bindUnion(n: Extract<PlanNode, { kind: 'union' }>, inputs: BoundPlan[]): BoundPlan {
    const first = inputs[0];
    const names = first.schema.fields.map((f) => f.name);
    for (const inp of inputs.slice(1)) for (const f of inp.schema.fields) if (!names.includes(f.name)) names.push(f.name);
    const types = names.map((name) => {
      let t: DataType | undefined;
      for (const inp of inputs) {
        const f = inp.schema.fields.find((x) => x.name === name);
        if (!f) {
          if (!n.allowMissingColumns) fail(scope(n.step, inp.schema), `column '${name}' is missing on one side of unionByName`, 'add it with withColumn, or pass { allowMissingColumns: true }', name);
          continue;
        }
        const c: DataType | undefined = t === undefined ? f.type : commonType(t, f.type);
        if (!c) fail(scope(n.step, inp.schema), `column '${name}' has types ${typeToString(t!)} and ${typeToString(f.type)} in unionByName`, 'cast one side first', name);
        t = c;
      }
      return t!;
    });
    // Each input is projected to the union's column order and types, so the operator only concatenates.
    const aligned = inputs.map((inp) => {
      const columns: BoundExpr[] = names.map((name, i) => {
        const index = inp.schema.fields.findIndex((x) => x.name === name);
        if (index < 0) return { kind: 'literal', value: null, type: types[i] };
        return castTo({ kind: 'column', index, name, type: inp.schema.fields[index].type }, types[i]);
      });
      return project(n.step, inp, names, columns);
    });
    const fields = names.map((name, i) => field(name, types[i], aligned.some((a) => a.schema.fields[i].nullable)));
    return { kind: 'union', step: n.step, schema: schemaOf(fields), inputs: aligned, columnMaps: aligned.map(() => names.map((_, i) => i)) };
  }

  return visit(plan);
}

function containsAggregate(e: Expr): boolean {
  return e.kind === 'aggregate' || exprChildren(e).some(containsAggregate);
}
