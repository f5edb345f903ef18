/**
 * The typed Dataset builder. Each operation returns a new Dataset around a new plan node;
 * nothing runs here. Column names are typed where TypeScript can know them: every verb takes
 * names of `keyof Row`, and expressions whose columns (Col's second type parameter) are all in
 * Row, so a misspelt column is a compile error naming it. The analyzer checks every name
 * regardless, with a suggestion: it covers what types cannot (rows typed `Record<string, unknown>`,
 * names built at run time).
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ExprNode, exprChildren, type Expr, type SortKey } from '../plan/expr.ts';
import { Plan, type Generator, type JoinType, type NamedExpr, type PlanNode, type Step } from '../plan/nodes.ts';
import { Col, SortSpec, toExpr, toSortKey } from './expr.ts';
import { EtlError } from '../errors/index.ts';

const FRAMEWORK_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Shared by all datasets of one transform invocation: numbers steps per kind and names hidden columns. */
export class PlanContext {
  private readonly counters = new Map<string, number>();
  private hidden = 0;

  step(op: string): Step {
    const n = (this.counters.get(op) ?? 0) + 1;
    this.counters.set(op, n);
    const location = callSite();
    return location ? { label: `${op} #${n}`, location } : { label: `${op} #${n}` };
  }

  hiddenColumn(): string {
    return `__window_${this.hidden++}`;
  }
}

/** The first stack frame outside the framework: the line of the user's job file that made the step. */
function callSite(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (const line of stack.slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    const inFramework = file.startsWith(FRAMEWORK_DIR + path.sep) && !/\.test\.[cm]?[jt]s$/.test(file);
    if (inFramework || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${path.relative(packageRootOf(file), file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

const packageRoots = new Map<string, string>();

/**
 * The folder of the package.json nearest to a job file: locations are relative to the project,
 * not to the working directory, so a plan (and its hash) is the same wherever `etl plan` runs.
 */
function packageRootOf(file: string): string {
  const start = path.dirname(file);
  let root = packageRoots.get(start);
  if (root === undefined) {
    root = process.cwd();
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'package.json'))) {
        root = dir;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    packageRoots.set(start, root);
  }
  return root;
}

export type Names<Row> = keyof Row & string;
/**
 * Dotted paths into struct columns (`device.os`, `device.build.n`), which an expression may read
 * as Spark resolves them (framework/analyze/expressions.ts fieldPath); a few levels deep.
 */
export type FieldPaths<T, Depth extends unknown[] = []> = Depth['length'] extends 4
  ? never
  : { [K in keyof T & string]: StructValue<T[K]> extends infer V ? ([V] extends [never] ? never : `${K}.${(keyof V & string) | FieldPaths<V, [...Depth, unknown]>}`) : never }[keyof T & string];
type StructValue<V> = NonNullable<V> extends readonly unknown[] | Date | Uint8Array | bigint | string | number | boolean ? never : NonNullable<V> extends object ? NonNullable<V> : never;
/** An expression that reads only columns of Row (or fields of its struct columns). */
export type ColOf<Row> = Col<unknown, Names<Row> | FieldPaths<Row>>;
type ColumnArg<Row> = Names<Row> | ColOf<Row>;
type SortArg<Row> = Names<Row> | ColOf<Row> | SortSpec<Names<Row>>;
type ValueOf<C> = C extends Col<infer V, any> ? V : unknown;
/** Row with the columns of a `{ old_name: 'new_name' }` mapping renamed. */
type Renamed<Row, M> = { [K in keyof Row as K extends keyof M ? (M[K] extends string ? M[K] : K) : K]: Row[K] };

export interface GenerateOptions<N extends string> {
  /** Names of the generated columns, in order (one for an array's element, two for a map's key and value; the position first for posexplode). */
  readonly as?: N | readonly N[];
  /** Keep a row whose array or map is null or empty, once, with null generated columns (explode_outer). */
  readonly outer?: boolean;
}

export interface DedupeOptions<Row> {
  /** Which row to keep per key: the first by this order. Required, because Spark's dropDuplicates keeps an arbitrary row. */
  readonly orderBy: SortArg<Row> | readonly SortArg<Row>[];
}

export type JoinOn<L, R> =
  | (Names<L> & Names<R>)
  | readonly (Names<L> & Names<R>)[]
  | readonly { readonly left: Names<L>; readonly right: Names<R> }[];

export class Dataset<Row extends object = Record<string, unknown>> {
  declare readonly __row?: Row;

  constructor(
    readonly plan: PlanNode,
    readonly context: PlanContext,
  ) {}

  /** A column of this dataset; a misspelt name is a TypeScript error here. */
  col<K extends Names<Row>>(name: K): Col<Row[K], K> {
    return new Col(ExprNode.column(name));
  }

  select<K extends Names<Row>>(...columns: K[]): Dataset<Pick<Row, K>>;
  select(...columns: ColumnArg<Row>[]): Dataset<Record<string, unknown>>;
  select(...columns: ColumnArg<Row>[]): Dataset<Record<string, unknown>> {
    const step = this.context.step('select');
    const named = columns.map((c, i) => namedFromArg(c, i, step));
    return this.withWindowsExtracted(named, step, (input, cols) => Plan.project({ step, input, columns: cols }));
  }

  withColumn<N extends string, V>(name: N, value: Col<V, Names<Row> | FieldPaths<Row>>): Dataset<Omit<Row, N> & Record<N, V>> {
    return this.withColumns({ [name]: value } as Record<N, Col<V>>) as unknown as Dataset<Omit<Row, N> & Record<N, V>>;
  }

  withColumns<C extends Record<string, ColOf<Row>>>(columns: C): Dataset<Omit<Row, keyof C> & { [K in keyof C]: ValueOf<C[K]> }> {
    const step = this.context.step('withColumn');
    const named = Object.entries(columns).map(([name, c]) => ({ name, expr: c.node }));
    return this.withWindowsExtracted(named, step, (input, cols) => Plan.withColumns({ step, input, columns: cols })) as never;
  }

  drop<K extends Names<Row>>(...columns: K[]): Dataset<Omit<Row, K>> {
    return this.derive(Plan.drop({ step: this.context.step('drop'), input: this.plan, columns }));
  }

  /** Renames columns: `{ old_name: 'new_name' }`. */
  rename<const M extends Partial<Record<Names<Row>, string>>>(mapping: M & Record<Exclude<keyof M, Names<Row>>, never>): Dataset<Renamed<Row, M>> {
    const renames = Object.entries(mapping).map(([from, to]) => ({ from, to: to as string }));
    return this.derive(Plan.rename({ step: this.context.step('rename'), input: this.plan, renames }));
  }

  /** Keeps rows where the predicate is true (null counts as false, as in SQL WHERE). */
  filter(predicate: ColOf<Row>): Dataset<Row> {
    const step = this.context.step('filter');
    const { plan, rewritten, hidden } = this.extractWindows(predicate.node, step);
    const filtered = Plan.filter({ step, input: plan, predicate: rewritten });
    return this.derive(hidden.length ? Plan.drop({ step, input: filtered, columns: hidden }) : filtered);
  }

  where(predicate: ColOf<Row>): Dataset<Row> {
    return this.filter(predicate);
  }

  /**
   * One row per distinct key: the first by `orderBy`. Compiles to
   * `row_number() over (partition by keys order by ...) = 1`, so Spark keeps the same row.
   */
  dropDuplicates<K extends Names<Row>>(keys: readonly K[], options: DedupeOptions<Row>): Dataset<Row> {
    const order = Array.isArray(options.orderBy) ? options.orderBy : [options.orderBy];
    return this.derive(
      Plan.deduplicate({
        step: this.context.step('dropDuplicates'),
        input: this.plan,
        keys: [...keys],
        orderBy: (order as SortArg<Row>[]).map(toSortKey),
      }),
    );
  }

  /**
   * One row per element of an array (entry of a map), the columns so far followed by the
   * generated ones: Spark's `LATERAL VIEW explode(...)`. A row whose array or map is null or
   * empty yields no row, or with `outer: true` one row with null generated columns
   * (explode_outer). The generated columns are `col` for an array and `key`, `value` for a map,
   * unless `as` names them.
   */
  explode<const N extends string = 'col' | 'key' | 'value'>(value: ColumnArg<Row>, options: GenerateOptions<N> = {}): Dataset<Row & Record<N, unknown>> {
    return this.generate('explode', value, options);
  }

  /** explode with each element's position (from 0) first: `pos`, then as explode (Spark's posexplode). */
  posexplode<const N extends string = 'pos' | 'col' | 'key' | 'value'>(value: ColumnArg<Row>, options: GenerateOptions<N> = {}): Dataset<Row & Record<N, unknown>> {
    return this.generate('posexplode', value, options);
  }

  /** explode keeping a row whose array or map is null or empty (Spark's explode_outer): `explode(value, { ...options, outer: true })`. */
  explodeOuter<const N extends string = 'col' | 'key' | 'value'>(value: ColumnArg<Row>, options: Omit<GenerateOptions<N>, 'outer'> = {}): Dataset<Row & Record<N, unknown>> {
    return this.generate('explode', value, { ...options, outer: true });
  }

  /** posexplode keeping a row whose array or map is null or empty (Spark's posexplode_outer). */
  posexplodeOuter<const N extends string = 'pos' | 'col' | 'key' | 'value'>(value: ColumnArg<Row>, options: Omit<GenerateOptions<N>, 'outer'> = {}): Dataset<Row & Record<N, unknown>> {
    return this.generate('posexplode', value, { ...options, outer: true });
  }

  private generate<N extends string>(generator: Generator, value: ColumnArg<Row>, options: GenerateOptions<N>): Dataset<Row & Record<N, unknown>> {
    const names = options.as === undefined ? [] : typeof options.as === 'string' ? [options.as] : [...options.as];
    const expr = typeof value === 'string' ? ExprNode.column(value) : value.node;
    return this.derive(Plan.generate({ step: this.context.step(generator), input: this.plan, generator, outer: options.outer ?? false, expr, names })) as never;
  }

  // No key names known (`'Grp' as never`, a name in another case): the result's columns are not known either.
  groupBy<K extends Names<Row>>(...keys: K[]): GroupedDataset<Row, [K] extends [never] ? Record<string, unknown> : Pick<Row, K>>;
  groupBy(...keys: ColumnArg<Row>[]): GroupedDataset<Row, Record<string, unknown>>;
  groupBy(...keys: ColumnArg<Row>[]): GroupedDataset<Row, Record<string, unknown>> {
    return new GroupedDataset(this, keys);
  }

  /** Equi-join on columns of the same name (`'user_id'`, `['a', 'b']`) or on pairs (`[{ left: 'uid', right: 'id' }]`). */
  join<R extends object>(other: Dataset<R>, on: JoinOn<Row, R>, how: JoinType = 'inner'): Dataset<Row & R> {
    const pairs =
      typeof on === 'string'
        ? [{ left: on, right: on }]
        : (on as readonly (string | { left: string; right: string })[]).map((k) => (typeof k === 'string' ? { left: k, right: k } : k));
    return this.derive(Plan.join({ step: this.context.step(`join`), left: this.plan, right: other.plan, how, on: pairs }));
  }

  /** UNION ALL by column name. With allowMissingColumns, a column missing on one side is null there. */
  unionByName(other: Dataset<Row>, options: { allowMissingColumns?: boolean } = {}): Dataset<Row> {
    return this.derive(
      Plan.union({
        step: this.context.step('unionByName'),
        inputs: [this.plan, other.plan],
        allowMissingColumns: options.allowMissingColumns ?? false,
      }),
    );
  }

  orderBy(...keys: SortArg<Row>[]): Dataset<Row> {
    return this.derive(Plan.sort({ step: this.context.step('orderBy'), input: this.plan, keys: keys.map(toSortKey) }));
  }

  limit(count: number): Dataset<Row> {
    return this.derive(Plan.limit({ step: this.context.step('limit'), input: this.plan, count }));
  }

  derive<R extends object>(plan: PlanNode): Dataset<R> {
    return new Dataset<R>(plan, this.context);
  }

  /**
   * Spark only evaluates window functions in projections. An expression that contains one is
   * split: the window calls become hidden columns of a window step, the expression reads them,
   * and the hidden columns are dropped afterwards.
   */
  private withWindowsExtracted(
    named: NamedExpr[],
    step: Step,
    build: (input: PlanNode, columns: NamedExpr[]) => PlanNode,
  ): Dataset<Record<string, unknown>> {
    let plan = this.plan;
    const hidden: string[] = [];
    const rewritten = named.map((n) => {
      const r = this.extractWindows(n.expr, step, plan);
      plan = r.plan;
      hidden.push(...r.hidden);
      return { name: n.name, expr: r.rewritten };
    });
    const built = build(plan, rewritten);
    const projectDropsHidden = built.kind === 'project';
    return this.derive(hidden.length && !projectDropsHidden ? Plan.drop({ step, input: built, columns: hidden }) : built);
  }

  private extractWindows(expr: Expr, step: Step, input: PlanNode = this.plan): { plan: PlanNode; rewritten: Expr; hidden: string[] } {
    const windows: { name: string; call: Extract<Expr, { kind: 'window' }> }[] = [];
    const rewrite = (e: Expr): Expr => {
      if (e.kind === 'window') {
        const name = this.context.hiddenColumn();
        windows.push({ name, call: e });
        return ExprNode.column(name);
      }
      switch (e.kind) {
        case 'column':
        case 'literal':
          return e;
        case 'call':
          return ExprNode.call(e.fn, e.args.map(rewrite));
        case 'aggregate':
          return ExprNode.aggregate(e.fn, e.args.map(rewrite), e.distinct);
        case 'case':
          return ExprNode.caseWhen(
            e.branches.map((b) => ({ when: rewrite(b.when), then: rewrite(b.then) })),
            e.otherwise ? rewrite(e.otherwise) : null,
          );
        case 'cast':
          return ExprNode.cast(rewrite(e.expr), e.to);
        case 'alias':
          return ExprNode.alias(rewrite(e.expr), e.name);
      }
    };
    if (!containsWindow(expr)) return { plan: input, rewritten: expr, hidden: [] };
    const rewritten = rewrite(expr);
    return { plan: Plan.window({ step, input, columns: windows }), rewritten, hidden: windows.map((w) => w.name) };
  }
}

function containsWindow(e: Expr): boolean {
  return e.kind === 'window' || exprChildren(e).some(containsWindow);
}

function namedFromArg<Row>(c: ColumnArg<Row>, position: number, step: Step): NamedExpr {
  if (typeof c === 'string') return { name: c, expr: ExprNode.column(c) };
  const n = c.node;
  if (n.kind === 'alias') return { name: n.name, expr: n.expr };
  if (n.kind === 'column') return { name: n.name, expr: n };
  throw new DslUsageError(step, `select argument ${position + 1} is an expression without a name`, `name it with .as('column_name')`);
}

/** Row: the rows grouped; Keys: the group key columns, as the result has them. */
export class GroupedDataset<Row extends object, Keys extends object = Record<string, unknown>> {
  constructor(
    private readonly source: Dataset<Row>,
    private readonly keys: readonly (string | Col)[], // not ColumnArg<Row>: that would make Dataset<Row> invariant in Row
  ) {}

  /** Aggregates per group: `{ events: count(), revenue: sum('amount') }` or aliased expressions. */
  // The object form last: on a misspelt column, the compiler reports the last overload's error.
  agg(...aggregates: ColOf<Row>[]): Dataset<Record<string, unknown>>;
  agg<A extends Record<string, ColOf<Row>>>(aggregates: A): Dataset<Keys & { [K in keyof A]: ValueOf<A[K]> }>;
  agg(aggregates: Record<string, Col> | Col, ...more: Col[]): Dataset<Record<string, unknown>> {
    const step = this.source.context.step('groupBy');
    const named: NamedExpr[] =
      aggregates instanceof Col
        ? [aggregates, ...more].map((c, i) => {
            if (c.node.kind !== 'alias') throw new DslUsageError(step, `aggregate ${i + 1} has no name`, `name it with .as('column_name'), or pass an object { name: expression }`);
            return { name: c.node.name, expr: c.node.expr };
          })
        : Object.entries(aggregates).map(([name, c]) => ({ name, expr: c.node }));
    const groupBy = this.keys.map((k, i) => namedFromArg(k, i, step));
    return this.source.derive(Plan.aggregate({ step, input: this.source.plan, groupBy, aggregates: named }));
  }
}

/** Misuse of the DSL found while building the plan (before analysis). */
export class DslUsageError extends EtlError {
  override readonly name: string = 'DslUsageError';
  readonly phase = 'analysis' as const;
  constructor(
    readonly step: Step,
    readonly problem: string,
    hint: string,
  ) {
    super(`${step.location ? `${step.location} ` : ''}(${step.label}): ${problem}`, hint);
  }
}

export type { SortKey };
export { toExpr };
