/** Finds the project, its jobs and their files. A job lives in `jobs/<name>.ts` and its name is the file name. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isJobDefinition, type JobDefinition } from '../dsl/job.ts';
import { EtlError, JobLoadError, UsageError, didYouMean } from '../errors/index.ts';
import { importModule } from './module-loader.ts';

export interface Project {
  readonly root: string;
  readonly jobsDir: string;
  /** Local catalog and run state. */
  readonly stateDir: string;
  readonly defaultWarehouse: string;
}

export interface LoadedJob {
  readonly job: JobDefinition;
  /** Path relative to the project root, e.g. jobs/events_clean.ts. */
  readonly file: string;
}

export function findProject(from = process.cwd()): Project {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'jobs')) && existsSync(path.join(dir, 'package.json'))) {
      // ETL_STATE_DIR and ETL_WAREHOUSE relocate the local catalog and warehouse (tests, sandboxes).
      return {
        root: dir,
        jobsDir: path.join(dir, 'jobs'),
        stateDir: path.resolve(process.env.ETL_STATE_DIR ?? path.join(dir, '.etl')),
        defaultWarehouse: path.resolve(process.env.ETL_WAREHOUSE ?? path.join(dir, 'warehouse')),
      };
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new UsageError(`no etl project found in ${from} or its parents`, 'run etl from a project folder: one with package.json and a jobs/ folder');
    }
    dir = parent;
  }
}

export function jobNames(project: Project): string[] {
  return readdirSync(project.jobsDir)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.(test|spec)\.[mc]?[tj]s$/.test(f) && !f.startsWith('_') && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.[mc]?[tj]s$/, ''))
    .sort();
}

function jobFile(project: Project, name: string): string | undefined {
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    const f = path.join(project.jobsDir, name + ext);
    if (existsSync(f)) return f;
  }
  return undefined;
}

export async function loadJob(project: Project, name: string): Promise<LoadedJob> {
  const file = jobFile(project, name);
  if (!file) {
    const names = jobNames(project);
    throw new UsageError(`no job named '${name}' in ${path.relative(process.cwd(), project.jobsDir) || 'jobs'}/`, didYouMean(name, names) ?? `jobs: ${names.join(', ') || '(none)'}; run 'etl list'`);
  }
  const rel = path.relative(project.root, file);
  let mod: { default?: unknown };
  try {
    mod = (await importModule(file)) as { default?: unknown };
  } catch (e) {
    if (e instanceof JobLoadError) throw e;
    // A mistake the framework caught while the file ran (a bad decimal(p, s), say) keeps its own way out.
    const hint = e instanceof EtlError && e.hint ? e.hint : 'fix the error in the job file (run `npm run typecheck` for details)';
    throw new JobLoadError(rel, `could not be loaded: ${(e as Error).message}`, hint);
  }
  const job = mod.default;
  if (!isJobDefinition(job)) throw new JobLoadError(rel, 'has no default export made by defineJob(...)', 'end the file with `export default defineJob({ ... })`');
  if (job.name !== name) throw new JobLoadError(rel, `defines job '${job.name}', but the file is named '${name}'`, `rename the file to jobs/${job.name}.ts or the job to '${name}'`);
  return { job, file: rel };
}

export async function loadAllJobs(project: Project): Promise<LoadedJob[]> {
  return Promise.all(jobNames(project).map((n) => loadJob(project, n)));
}
