/**
 * The project's job graph, derived from the job files alone: each job's inputs (files and
 * catalog tables), the table it writes, and the dependencies between jobs through tables. No
 * second declaration: `etl graph` draws it, pipelines run it in order.
 */
import { sliceColumnsOf } from '../dsl/job.ts';
import { UsageError } from '../errors/index.ts';
import { loadAllJobs, type Project } from '../run/project.ts';

export interface GraphInput {
  readonly name: string;
  /** 'table': a catalog table; otherwise the file format. */
  readonly kind: 'table' | 'jsonl' | 'csv' | 'parquet';
  /** The table name, or the input's path template. */
  readonly ref: string;
}

export interface GraphJob {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  readonly inputs: readonly GraphInput[];
  readonly output: string;
  /** The job's slice columns (and parameters), none for a job that is not sliced. */
  readonly slice: readonly string[];
}

export interface JobGraph {
  readonly jobs: readonly GraphJob[];
  /** upstream job -> downstream job, through the table the first writes and the second reads. */
  readonly edges: readonly { readonly from: string; readonly to: string; readonly table: string }[];
}

export async function projectGraph(project: Project): Promise<JobGraph> {
  const loaded = await loadAllJobs(project);
  const jobs: GraphJob[] = loaded.map(({ job, file }) => ({
    name: job.name,
    file,
    ...(job.description ? { description: job.description } : {}),
    inputs: Object.entries(job.inputs).map(([name, spec]) => (spec.format === 'table' ? { name, kind: 'table' as const, ref: spec.table } : { name, kind: spec.format, ref: spec.path })),
    output: job.output.table,
    slice: sliceColumnsOf(job),
  }));
  return { jobs, edges: edgesOf(jobs) };
}

function edgesOf(jobs: readonly GraphJob[]): JobGraph['edges'] {
  const producers = new Map<string, string[]>();
  for (const j of jobs) producers.set(j.output, [...(producers.get(j.output) ?? []), j.name]);
  const edges: { from: string; to: string; table: string }[] = [];
  for (const j of jobs) {
    for (const i of j.inputs) {
      if (i.kind !== 'table') continue;
      for (const from of producers.get(i.ref) ?? []) if (from !== j.name) edges.push({ from, to: j.name, table: i.ref });
    }
  }
  return edges;
}

/** A cycle of jobs through tables, as `a → b → a`, or undefined. */
export function findCycle(graph: JobGraph, among: readonly string[] = graph.jobs.map((j) => j.name)): string[] | undefined {
  const inside = new Set(among);
  const next = (n: string) => graph.edges.filter((e) => e.from === n && inside.has(e.to)).map((e) => e.to);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, path: string[]): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'visiting');
    for (const m of next(n)) {
      const cycle = visit(m, [...path, n]);
      if (cycle) return cycle;
    }
    state.set(n, 'done');
    return undefined;
  };
  for (const n of among) {
    const cycle = visit(n, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The jobs in levels: each job after every job it depends on, jobs of a level independent of
 * each other (they may run side by side), each level in name order.
 */
export function levels(graph: JobGraph, among: readonly string[] = graph.jobs.map((j) => j.name)): string[][] {
  const cycle = findCycle(graph, among);
  if (cycle) throw new UsageError(`jobs depend on each other in a cycle: ${cycle.join(' → ')}`, 'a job cannot read, directly or not, the table it writes');
  const inside = new Set(among);
  const depth = new Map<string, number>();
  const depthOf = (n: string): number => {
    const known = depth.get(n);
    if (known !== undefined) return known;
    const ups = graph.edges.filter((e) => e.to === n && inside.has(e.from)).map((e) => depthOf(e.from));
    const d = ups.length ? Math.max(...ups) + 1 : 0;
    depth.set(n, d);
    return d;
  };
  const out: string[][] = [];
  for (const n of [...among].sort()) (out[depthOf(n)] ??= []).push(n);
  return out;
}

/** A job and every job downstream of it, through tables. */
export function downstreamOf(graph: JobGraph, job: string): string[] {
  const seen = new Set([job]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of graph.edges) if (seen.has(e.from) && !seen.has(e.to)) changed = seen.add(e.to).size > 0;
  }
  return [...seen].sort();
}
