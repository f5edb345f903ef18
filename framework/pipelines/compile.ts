/** A pipeline and the plans of its jobs compiled for an environment (`etl plan --pipeline`, `etl deploy`, `etl pipeline run`). */
import { compileJob, type CompiledJob } from '../compile/compile-job.ts';
import { compilePipeline, type CompiledPipeline, type PipelineTargetContext } from '../compile/pipeline.ts';
import type { Environment } from '../config/config.ts';
import { CompileError } from '../errors/index.ts';
import type { Project } from '../run/project.ts';
import { prepareJob } from '../run/run-job.ts';
import { bindPipeline, type BoundPipeline } from './pipeline.ts';

export interface PipelineCompilation {
  readonly pipeline: BoundPipeline;
  /** Each job's plan, compiled without its slice (the day comes when a run starts). */
  readonly jobs: ReadonlyMap<string, CompiledJob>;
  readonly compiled: CompiledPipeline;
}

export async function compilePipelineFor(project: Project, name: string, env: Environment, context: PipelineTargetContext = {}): Promise<PipelineCompilation> {
  const pipeline = await bindPipeline(project, name);
  const jobs = new Map<string, CompiledJob>();
  for (const job of pipeline.jobs) {
    const prepared = await prepareJob(project, job, { resolveInputs: false });
    if (prepared.slice) {
      throw new CompileError(
        `pipeline ${name} runs job ${job} for the day of each run, but its parameter ${Object.keys(prepared.slice.values).join(', ')} has a default`,
        `declare it without a default: params: z.object({ ${Object.keys(prepared.slice.values)[0]}: z.iso.date().optional() })`,
      );
    }
    jobs.set(job, compileJob(prepared, env));
  }
  return { pipeline, jobs, compiled: compilePipeline(pipeline, env, jobs, context) };
}
