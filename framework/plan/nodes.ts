/**
 * The logical plan: a tree of frozen nodes with a `kind` tag, built by the DSL through the
 * factories below. Each node carries the `step` that made it, so errors can name the job file,
 * the line and the operation ("filter #2").
 */
import type { DatasetSchema } from '../schema/types.ts';
import type { Expr, SortKey, WindowCall } from './expr.ts';

export interface Step {
  /** e.g. "filter #2": the operation and its position among the job's operations of that kind. */
  readonly label: string;
  /** "jobs/events_clean.ts:14:6" when the DSL could find the call site. */
  readonly location?: string;
}

export interface NamedExpr {
  readonly name: string;
  readonly expr: Expr;
}

export interface ScanNode {
  readonly kind: 'scan';
  readonly step: Step;
  /** The job's input name (key of `inputs`). */
  readonly input: string;
  readonly schema: DatasetSchema;
}

export interface FilterNode {
  readonly kind: 'filter';
  readonly step: Step;
  readonly input: PlanNode;
  readonly predicate: Expr;
}

/** select: exactly these output columns. */
export interface ProjectNode {
  readonly kind: 'project';
  readonly step: Step;
  readonly input: PlanNode;
  readonly columns: readonly NamedExpr[];
}

/** withColumn(s): all input columns, with these added or (same name) replaced in place. */
export interface WithColumnsNode {
  readonly kind: 'withColumns';
  readonly step: Step;
  readonly input: PlanNode;
  readonly columns: readonly NamedExpr[];
}

export interface DropNode {
  readonly kind: 'drop';
  readonly step: Step;
  readonly input: PlanNode;
  readonly columns: readonly string[];
}

export interface RenameNode {
  readonly kind: 'rename';
  readonly step: Step;
  readonly input: PlanNode;
  readonly renames: readonly { readonly from: string; readonly to: string }[];
}

/** Window functions computed over the input, appended as new columns. */
export interface WindowNode {
  readonly kind: 'window';
  readonly step: Step;
  readonly input: PlanNode;
  readonly columns: readonly { readonly name: string; readonly call: WindowCall }[];
}

export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly step: Step;
  readonly input: PlanNode;
  readonly groupBy: readonly NamedExpr[];
  readonly aggregates: readonly NamedExpr[];
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

export interface JoinNode {
  readonly kind: 'join';
  readonly step: Step;
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly how: JoinType;
  /**
   * Equi-join keys. A key with the same name on both sides is a USING key: it appears once in
   * the output (coalesced for right/full joins, as Spark's USING does).
   */
  readonly on: readonly { readonly left: string; readonly right: string }[];
}

export interface UnionNode {
  readonly kind: 'union';
  readonly step: Step;
  /** Union by name, keeping duplicates (UNION ALL); missing columns fail analysis unless allowMissing. */
  readonly inputs: readonly PlanNode[];
  readonly allowMissingColumns: boolean;
}

export interface SortNode {
  readonly kind: 'sort';
  readonly step: Step;
  readonly input: PlanNode;
  readonly keys: readonly SortKey[];
}

export interface LimitNode {
  readonly kind: 'limit';
  readonly step: Step;
  readonly input: PlanNode;
  readonly count: number;
}

/**
 * Keep one row per key: the first by `orderBy`. Spark's dropDuplicates keeps an arbitrary row,
 * so the order is mandatory; it compiles to row_number() over (partition by keys order by ...) = 1.
 */
export interface DeduplicateNode {
  readonly kind: 'deduplicate';
  readonly step: Step;
  readonly input: PlanNode;
  readonly keys: readonly string[];
  readonly orderBy: readonly SortKey[];
}

/** Spark's generators: explode yields an array's elements (a map's key and value), posexplode their position (from 0) too. */
export type Generator = 'explode' | 'posexplode';

/**
 * explode / posexplode of an array or a map: one output row per element (entry), the input's
 * columns followed by the generated ones. An input row whose array or map is null or empty yields
 * no row, or with `outer` one row whose generated columns are null (Spark's explode_outer).
 */
export interface GenerateNode {
  readonly kind: 'generate';
  readonly step: Step;
  readonly input: PlanNode;
  readonly generator: Generator;
  readonly outer: boolean;
  readonly expr: Expr;
  /** The generated columns' names; empty for Spark's defaults ([pos,] col for arrays, [pos,] key, value for maps). */
  readonly names: readonly string[];
}

export type PlanNode =
  | ScanNode
  | FilterNode
  | ProjectNode
  | WithColumnsNode
  | DropNode
  | RenameNode
  | WindowNode
  | AggregateNode
  | JoinNode
  | UnionNode
  | SortNode
  | LimitNode
  | DeduplicateNode
  | GenerateNode;

export type PlanKind = PlanNode['kind'];

type NodeOf<K extends PlanKind> = Extract<PlanNode, { kind: K }>;

function node<K extends PlanKind>(kind: K, props: Omit<NodeOf<K>, 'kind'>): NodeOf<K> {
  return Object.freeze({ kind, ...props }) as NodeOf<K>;
}

export const Plan = {
  scan: (p: Omit<ScanNode, 'kind'>) => node('scan', p),
  filter: (p: Omit<FilterNode, 'kind'>) => node('filter', p),
  project: (p: Omit<ProjectNode, 'kind'>) => node('project', { ...p, columns: Object.freeze([...p.columns]) }),
  withColumns: (p: Omit<WithColumnsNode, 'kind'>) => node('withColumns', { ...p, columns: Object.freeze([...p.columns]) }),
  drop: (p: Omit<DropNode, 'kind'>) => node('drop', { ...p, columns: Object.freeze([...p.columns]) }),
  rename: (p: Omit<RenameNode, 'kind'>) => node('rename', { ...p, renames: Object.freeze([...p.renames]) }),
  window: (p: Omit<WindowNode, 'kind'>) => node('window', { ...p, columns: Object.freeze([...p.columns]) }),
  aggregate: (p: Omit<AggregateNode, 'kind'>) => node('aggregate', p),
  join: (p: Omit<JoinNode, 'kind'>) => node('join', p),
  union: (p: Omit<UnionNode, 'kind'>) => node('union', p),
  sort: (p: Omit<SortNode, 'kind'>) => node('sort', p),
  limit: (p: Omit<LimitNode, 'kind'>) => node('limit', p),
  deduplicate: (p: Omit<DeduplicateNode, 'kind'>) => node('deduplicate', p),
  generate: (p: Omit<GenerateNode, 'kind'>) => node('generate', { ...p, names: Object.freeze([...p.names]) }),
} as const;

/** Direct inputs of a node. */
export function planChildren(n: PlanNode): readonly PlanNode[] {
  switch (n.kind) {
    case 'scan':
      return [];
    case 'join':
      return [n.left, n.right];
    case 'union':
      return n.inputs;
    case 'filter':
    case 'project':
    case 'withColumns':
    case 'drop':
    case 'rename':
    case 'window':
    case 'aggregate':
    case 'sort':
    case 'limit':
    case 'deduplicate':
    case 'generate':
      return [n.input];
  }
}

/** Input names scanned by a plan, in first-seen order. */
export function scannedInputs(n: PlanNode, out: string[] = []): string[] {
  if (n.kind === 'scan' && !out.includes(n.input)) out.push(n.input);
  for (const c of planChildren(n)) scannedInputs(c, out);
  return out;
}
