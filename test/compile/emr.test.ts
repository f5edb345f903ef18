/** The EMR submissions `etl plan` compiles: the step, and the cluster it runs on per environment. */
import { describe, expect, it } from 'vitest';
import { compileJob } from '../../framework/compile/compile-job.ts';
import { EMR_ARG_MAX, EMR_STEP_NAME_MAX, emrStep, stepName } from '../../framework/compile/emr.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob } from '../../framework/run/run-job.ts';
import { PROJECT } from './helpers.ts';

async function compiled(env: string, job = 'events_clean', params: Record<string, string> = {}) {
  const project = findProject(PROJECT);
  const prepared = await prepareJob(project, job, { params, inputs: {}, resolveInputs: false });
  return compileJob(prepared, await loadEnvironment(project.root, env));
}

describe('EMR step and cluster', () => {
  it('runs the driver on the uploaded plan with spark-submit in cluster mode, parameters and the result location last', async () => {
    const c = await compiled('dev', 'events_clean', { dt: '2026-11-03' });
    const { step } = c.emr;
    expect(step.HadoopJarStep.Jar).toBe('command-runner.jar');
    expect(step.ActionOnFailure).toBe('CONTINUE');
    expect(step.HadoopJarStep.Args).toEqual([
      'spark-submit', '--deploy-mode', 'cluster', '--conf', 'spark.sql.shuffle.partitions=32',
      c.artifacts.driverUri, c.artifacts.planUri, 'dt=2026-11-03', '--result-uri', c.artifacts.resultUri,
    ]);
    // One result location per step name: another dt gets its own.
    expect(c.artifacts.resultUri).toMatch(/^s3:\/\/acme-lake-dev\/etl\/runs\/events_clean\/[0-9a-f]{16}\/result\.json$/);
    expect((await compiled('dev', 'events_clean', { dt: '2026-11-04' })).artifacts.resultUri).not.toBe(c.artifacts.resultUri);
    expect(c.artifacts.planUri).toBe(`s3://acme-lake-dev/etl/artifacts/${c.planHash}/plan.json`);
    expect(step.Name).toBe(`etl:events_clean:${c.planHash.slice(0, 12)}:dt=2026-11-03`);
  });

  it('dev: a transient cluster with the Glue Data Catalog as Hive metastore runs the step and ends', async () => {
    const c = await compiled('dev');
    const flow = c.emr.runJobFlow!;
    expect(c.emr.clusterId).toBeUndefined();
    expect(flow.ReleaseLabel).toBe('emr-7.5.0');
    expect(flow.Applications).toEqual([{ Name: 'Spark' }]);
    expect(flow.Configurations).toEqual([
      { Classification: 'spark-hive-site', Properties: { 'hive.metastore.client.factory.class': 'com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory' } },
    ]);
    expect(flow.Instances.KeepJobFlowAliveWhenNoSteps).toBe(false);
    expect(flow.Steps).toEqual([c.emr.step]);
    expect(flow.Tags).toContainEqual({ Key: 'lakeform:job', Value: 'events_clean' });
  });

  it('prod: the step goes to the named long-running cluster', async () => {
    const c = await compiled('prod');
    expect(c.emr.clusterId).toBe('j-1K48XXXXXXHCB');
    expect(c.emr.runJobFlow).toBeUndefined();
    expect(c.glue.databaseName).toBe('analytics');
  });

  it('keeps step names within EMR limits, still unique per plan, and refuses over-long arguments', () => {
    const hash = 'ab'.repeat(32);
    const long = stepName('job', hash, { note: 'x'.repeat(400) });
    expect(long.length).toBeLessThanOrEqual(EMR_STEP_NAME_MAX);
    expect(long).toContain(hash.slice(12, 25));
    expect(stepName('job', hash, { b: '2', a: '1' })).toBe(`etl:job:${hash.slice(0, 12)}:a=1,b=2`);
    const spec = { job: 'job', planHash: hash, params: { big: 'y'.repeat(EMR_ARG_MAX) }, driverUri: 's3://b/d.py', planUri: 's3://b/p.json', resultUri: 's3://b/r.json', sparkConf: {}, actionOnFailure: 'CONTINUE' as const };
    expect(() => emrStep(spec)).toThrow(/longer than 10240 characters/);
  });
});
