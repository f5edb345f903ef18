/**
 * Pipelines: loaded from `pipelines/<name>.ts` and checked against the job graph, so a mistake
 * (an unknown job, a cycle, a job whose upstream is left out, a bad schedule) is an error that
 * names the pipeline's file before anything is compiled or deployed.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isPipelineDefinition, type PipelineDefinition } from '../dsl/pipeline.ts';
import { EtlError, JobLoadError, UsageError, didYouMean, type Phase } from '../errors/index.ts';
import { downstreamOf, findCycle, levels, projectGraph, type JobGraph } from '../graph/graph.ts';
import { importModule } from '../run/module-loader.ts';
import type { Project } from '../run/project.ts';
import { DURATION_HINT, parseDuration } from '../slices/duration.ts';

export class PipelineError extends EtlError {
  override readonly name: string = 'PipelineError';
  readonly phase: Phase = 'analysis';
  override readonly exitCode = 2;
  constructor(file: string, problem: string, hint?: string) {
    super(`${file}: ${problem}`, hint);
  }
}

export interface BoundPipeline {
  readonly name: string;
  readonly file: string;
  readonly description?: string;
  /** The jobs, in levels: a level's jobs depend only on earlier levels' and may run side by side. */
  readonly levels: readonly (readonly string[])[];
  readonly jobs: readonly string[];
  /** Per job, the date parameter its runs take the day in; absent for a job that is not sliced (it runs over everything). */
  readonly sliceParam: Readonly<Record<string, string | undefined>>;
  readonly schedule?: string;
  readonly timezone: string;
  readonly slice: 'previous day' | 'same day';
  readonly retries: { readonly attempts: number; readonly intervalSeconds: number; readonly backoffRate: number };
}

export function pipelinesDir(project: Project): string {
  return path.join(project.root, 'pipelines');
}

export function pipelineNames(project: Project): string[] {
  const dir = pipelinesDir(project);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !/\.(test|spec)\./.test(f))
    .map((f) => f.replace(/\.[mc]?[tj]s$/, ''))
    .sort();
}

async function loadPipeline(project: Project, name: string): Promise<{ pipeline: PipelineDefinition; file: string }> {
  const names = pipelineNames(project);
  if (!names.includes(name)) {
    throw new UsageError(`no pipeline named '${name}' in pipelines/`, didYouMean(name, names) ?? (names.length ? `pipelines: ${names.join(', ')}` : "declare one in pipelines/<name>.ts: export default definePipeline({ name, jobs, schedule })"));
  }
  const file = ['.ts', '.mts', '.js', '.mjs'].map((ext) => path.join(pipelinesDir(project), name + ext)).find(existsSync)!;
  const rel = path.relative(project.root, file);
  let mod: { default?: unknown };
  try {
    mod = (await importModule(file)) as { default?: unknown };
  } catch (e) {
    if (e instanceof JobLoadError) throw e;
    throw new JobLoadError(rel, `could not be loaded: ${(e as Error).message}`, 'fix the error in the pipeline file');
  }
  if (!isPipelineDefinition(mod.default)) throw new JobLoadError(rel, 'has no default export made by definePipeline(...)', 'end the file with `export default definePipeline({ ... })`');
  if (mod.default.name !== name) throw new JobLoadError(rel, `defines pipeline '${mod.default.name}', but the file is named '${name}'`, `rename the file to pipelines/${mod.default.name}.ts or the pipeline to '${name}'`);
  return { pipeline: mod.default, file: rel };
}

/** A pipeline checked against the project's job graph. */
export async function bindPipeline(project: Project, name: string, graph?: JobGraph): Promise<BoundPipeline> {
  const { pipeline, file } = await loadPipeline(project, name);
  const g = graph ?? (await projectGraph(project));
  const known = g.jobs.map((j) => j.name);
  const fail = (problem: string, hint?: string): never => {
    throw new PipelineError(file, problem, hint);
  };
  const named = Array.isArray(pipeline.jobs) ? [...(pipeline.jobs as readonly string[])] : [(pipeline.jobs as { downstreamOf: string }).downstreamOf];
  for (const j of named) if (!known.includes(j)) fail(`no job named '${j}'`, didYouMean(j, known) ?? `jobs: ${known.join(', ')}`);
  const jobs = Array.isArray(pipeline.jobs) ? [...new Set(named)].sort() : downstreamOf(g, named[0]);
  if (!jobs.length) fail('the pipeline has no jobs', "name them: jobs: ['events_clean', ...], or jobs: { downstreamOf: 'events_clean' }");
  const cycle = findCycle(g, jobs);
  if (cycle) fail(`its jobs depend on each other in a cycle: ${cycle.join(' → ')}`, 'a job cannot read, directly or not, the table it writes');
  for (const e of g.edges) {
    if (jobs.includes(e.to) && !jobs.includes(e.from)) {
      fail(`job '${e.to}' reads ${e.table}, which '${e.from}' writes, but '${e.from}' is not in the pipeline`, `add '${e.from}' to jobs, or use jobs: { downstreamOf: '${e.from}' }`);
    }
  }
  const sliceParam: Record<string, string | undefined> = {};
  for (const j of jobs) {
    const slice = g.jobs.find((x) => x.name === j)!.slice;
    if (slice.length > 1) fail(`job '${j}' is sliced by ${slice.join(', ')}; a pipeline runs daily slices, by one date parameter`, `run '${j}' outside the pipeline, or slice it by its date parameter alone`);
    sliceParam[j] = slice[0];
  }
  if (pipeline.schedule !== undefined && !/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/.test(pipeline.schedule)) {
    fail(`schedule '${pipeline.schedule}' is not an EventBridge Scheduler expression`, "write cron(minutes hours day-of-month month day-of-week year), e.g. 'cron(15 2 * * ? *)' for 02:15 every day, or 'rate(1 day)'");
  }
  if (pipeline.schedule?.startsWith('cron(') && pipeline.schedule.slice(5, -1).trim().split(/\s+/).length !== 6) {
    fail(`schedule '${pipeline.schedule}' needs six fields (minutes hours day-of-month month day-of-week year)`, "e.g. 'cron(15 2 * * ? *)'");
  }
  const attempts = pipeline.retries?.attempts ?? 2;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) fail(`retries.attempts ${attempts} is not a whole number from 1 to 10`, 'attempts counts the first try: 1 means no retry');
  const interval = parseDuration(pipeline.retries?.interval ?? '10m');
  if (interval === undefined) fail(`retries.interval '${pipeline.retries?.interval}' is not a duration`, DURATION_HINT);
  const backoffRate = pipeline.retries?.backoffRate ?? 2;
  if (!(backoffRate >= 1 && backoffRate <= 10)) fail(`retries.backoffRate ${backoffRate} is not from 1 to 10`);
  return {
    name: pipeline.name,
    file,
    ...(pipeline.description ? { description: pipeline.description } : {}),
    levels: levels(g, jobs),
    jobs,
    sliceParam,
    ...(pipeline.schedule ? { schedule: pipeline.schedule } : {}),
    timezone: pipeline.timezone ?? 'UTC',
    slice: pipeline.slice ?? 'previous day',
    retries: { attempts, intervalSeconds: Math.round(interval! / 1000), backoffRate },
  };
}
