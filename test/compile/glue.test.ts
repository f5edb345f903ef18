/** Glue TableInput details beyond the golden files: Athena partition projection and its analysis errors. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileJob } from '../../framework/compile/compile-job.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { analyze } from '../../framework/analyze/analyze.ts';
import { bindOutput } from '../../framework/analyze/output.ts';
import { buildPlan, defineJob, type JobDefinition } from '../../framework/dsl/job.ts';
import { jsonLines } from '../../framework/dsl/sources.ts';
import { table, type TableOptions } from '../../framework/dsl/sinks.ts';
import { PROJECT } from './helpers.ts';

describe('Athena partition projection', () => {
  it('daily_kpis: Athena computes the dt partitions from a date range', async () => {
    const project = findProject(PROJECT);
    const c = compileJob(await prepareJob(project, 'daily_kpis', { params: {}, inputs: {}, resolveInputs: false }), await loadEnvironment(PROJECT, 'dev'));
    const p = c.glue.tableInput.Parameters;
    expect(p['projection.enabled']).toBe('true');
    expect(p['projection.dt.type']).toBe('date');
    expect(p['projection.dt.format']).toBe('yyyy-MM-dd');
    expect(p['projection.dt.range']).toBe('2024-01-01,NOW');
    expect(p['storage.location.template']).toBe('s3://acme-lake-dev/warehouse/analytics_dev/daily_kpis/dt=${dt}');
  });

  const Out = z.object({ n: z.int32(), day: z.iso.date(), kind: z.string() });
  const bind = (options: TableOptions<keyof z.output<typeof Out> & string>) => {
    const job = defineJob({
      name: 'projected',
      inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Out }) },
      transform: ({ raw }) => raw,
      output: table('t.projected', Out, options),
    }) as unknown as JobDefinition;
    const plan = buildPlan(job, {}, () => {
      throw new Error('no tables');
    });
    return () => bindOutput(analyze(plan.root, { job: job.name }), job.output, { job: job.name, file: 'jobs/projected.ts' });
  };

  it('is refused unless the table has exactly one date partition, with a valid range', () => {
    expect(bind({ partitionBy: ['day'], athenaProjection: { from: 'NOW-2YEARS' } })).not.toThrow();
    expect(bind({ partitionBy: ['kind'], athenaProjection: { from: '2024-01-01' } })).toThrow(/needs exactly one partition column of type date; t.projected is partitioned by kind/);
    expect(bind({ partitionBy: ['day', 'kind'], athenaProjection: { from: '2024-01-01' } })).toThrow(/exactly one partition column/);
    expect(bind({ partitionBy: ['day'], athenaProjection: { from: '01/01/2024' } })).toThrow(/range bound '01\/01\/2024' is neither a date/);
  });
});
