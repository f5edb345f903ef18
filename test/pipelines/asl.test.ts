/**
 * The state machines pipelines compile to, checked as Step Functions would take them: every
 * state reachable and every `Next` a state, the `.sync` task of each target with the arguments
 * its service integration takes, and the JSONata expressions evaluated (jsonata, the library
 * Step Functions' JSONata follows) to the day, step names, arguments and result locations a run
 * gets from its scheduled time.
 */
import { describe, expect, it } from 'vitest';
import jsonata from 'jsonata';
import type { AslMachine, AslState, CompiledPipeline } from '../../framework/compile/pipeline.ts';
import type { Environment } from '../../framework/config/config.ts';
import { loadEnvironment } from '../../framework/config/config.ts';
import { compilePipelineFor } from '../../framework/pipelines/compile.ts';
import { findProject } from '../../framework/run/project.ts';
import { lakeProject } from '../support/lake.ts';

const p = lakeProject({ importable: true, landAll: false });

async function compiled(over: (env: Environment) => Environment): Promise<CompiledPipeline> {
  const env = over(await loadEnvironment(p.dir, 'aws'));
  return (await compilePipelineFor(findProject(p.dir), 'nightly', env, { applicationId: 'app-123' })).compiled;
}

const TARGETS: Record<string, (env: Environment) => Environment> = {
  'EMR, a running cluster': (e) => e,
  'EMR, a transient cluster': (e) => ({ ...e, emr: { transient: { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 2, serviceRole: 'EMR_DefaultRole', jobFlowRole: 'EMR_EC2_DefaultRole' } } }),
  'Glue jobs': (e) => ({ ...e, target: 'glue', glue: { role: 'arn:aws:iam::123456789012:role/glue', version: '5.0', workerType: 'G.1X', numberOfWorkers: 2, timeoutMinutes: 60, jobNamePrefix: 'lakeform-' } }),
  'EMR Serverless': (e) => ({ ...e, target: 'emrServerless', emrServerless: { executionRoleArn: 'arn:aws:iam::123456789012:role/serverless', application: { name: 'lakeform', releaseLabel: 'emr-7.5.0' } } }),
};

/** Every state of a machine and its branches, with the machine it is in. */
function allStates(m: AslMachine): [string, AslState, AslMachine][] {
  return Object.entries(m.States).flatMap(([name, s]) => [[name, s, m] as [string, AslState, AslMachine], ...(s.Type === 'Parallel' ? s.Branches.flatMap(allStates) : [])]);
}

function checkGraph(m: AslMachine) {
  expect(m.States[m.StartAt]).toBeDefined();
  const reached = new Set<string>();
  const walk = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    const s = m.States[name];
    expect(s, `state ${name}`).toBeDefined();
    const next = [...('Next' in s && s.Next ? [s.Next] : []), ...('Catch' in s ? (s.Catch ?? []).map((c) => c.Next) : [])];
    for (const n of next) walk(n);
    if (s.Type === 'Parallel') for (const b of s.Branches) checkGraph(b);
    if (s.Type === 'Task') expect('Next' in s || s.End).toBeTruthy();
  };
  walk(m.StartAt);
  expect([...reached].sort()).toEqual(Object.keys(m.States).sort());
}

const evaluate = async (expr: string, scope: Record<string, unknown>) => jsonata(expr.replace(/^\{%\s*|\s*%\}$/g, '')).evaluate({}, scope);

describe('pipelines compile to Step Functions', () => {
  for (const [target, over] of Object.entries(TARGETS)) {
    it(`${target}: every state reachable, .sync tasks shaped as their integration takes them, levels in order`, async () => {
      const c = await compiled(over);
      const m = c.stateMachine.definition;
      expect(m.QueryLanguage).toBe('JSONata');
      checkGraph(m);
      const levels = Object.keys(m.States).filter((n) => n.startsWith('Level'));
      expect(levels).toEqual(['Level 1: clean_events', 'Level 2: daily_totals, sessions']);
      const tasks = allStates(m).filter(([, s]) => s.Type === 'Task' && !s.Resource.includes('Cluster')) as [string, Extract<AslState, { Type: 'Task' }>, AslMachine][];
      expect(tasks.map(([n]) => n).sort()).toEqual(['clean_events', 'daily_totals', 'sessions']);
      for (const [job, task] of tasks) {
        expect(task.Retry).toEqual([{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 300, BackoffRate: 2 }]);
        expect(task.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: `${job} failed` }]);
        const args = task.Arguments as Record<string, any>;
        if (target.startsWith('EMR,')) {
          expect(task.Resource).toBe('arn:aws:states:::elasticmapreduce:addStep.sync');
          expect(args.ClusterId).toBe(target.includes('running') ? 'j-LAKEFIXTURE1' : '{% $cluster %}');
          expect(args.Step.HadoopJarStep.Jar).toBe('command-runner.jar');
          expect(args.Step.HadoopJarStep.Args.slice(0, 3)).toEqual(['spark-submit', '--deploy-mode', 'cluster']);
          expect(args.Step.HadoopJarStep.Args).toContain('--register-partitions');
          expect(args.Step.HadoopJarStep.Args).toContain(c.plans[job].planUri);
        } else if (target === 'Glue jobs') {
          expect(task.Resource).toBe('arn:aws:states:::glue:startJobRun.sync');
          expect(args.JobName).toBe(`lakeform-${job}`);
          expect(Object.keys(args.Arguments).sort()).toEqual(['--etl-params', '--etl-run', '--plan-uri', '--register-partitions', '--result-uri']);
          expect(await evaluate(args.Arguments['--etl-params'], { day: '2026-11-01' })).toBe('{"dt":"2026-11-01"}');
        } else {
          expect(task.Resource).toBe('arn:aws:states:::emr-serverless:startJobRun.sync');
          expect(args).toMatchObject({ ApplicationId: 'app-123', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/serverless', ClientToken: '{% $uuid() %}' });
          expect(args.JobDriver.SparkSubmit.EntryPointArguments[0]).toBe(c.plans[job].planUri);
          expect(args.ConfigurationOverrides.MonitoringConfiguration.S3MonitoringConfiguration.LogUri).toMatch(/^s3:\/\//);
        }
      }
      if (target.includes('transient')) {
        expect(m.States['Start cluster']).toMatchObject({ Resource: 'arn:aws:states:::elasticmapreduce:createCluster.sync', Arguments: { Instances: { KeepJobFlowAliveWhenNoSteps: true } } });
        expect(m.States['End cluster after a failure']).toMatchObject({ Resource: 'arn:aws:states:::elasticmapreduce:terminateCluster.sync', Next: 'Pipeline failed' });
      }
    });
  }

  it('computes the day from the scheduled time (or takes the slice given), and names each run after it', async () => {
    const c = await compiled(TARGETS['EMR, a running cluster']);
    const slice = (c.stateMachine.definition.States.Slice as Extract<AslState, { Type: 'Pass' }>).Assign.day;
    expect(await evaluate(slice, { states: { input: { scheduledTime: '2026-11-02T07:00:00Z' } } })).toBe('2026-11-01');
    expect(await evaluate(slice, { states: { input: { scheduledTime: '2027-01-01T07:00:00Z' } } })).toBe('2026-12-31');
    expect(await evaluate(slice, { states: { input: { scheduledTime: '2028-03-01T00:30:00Z' } } })).toBe('2028-02-29');
    expect(await evaluate(slice, { states: { input: { slice: '2026-10-15', scheduledTime: '2026-11-02T07:00:00Z' } } })).toBe('2026-10-15');
    const [, task] = allStates(c.stateMachine.definition).find(([n]) => n === 'clean_events')! as [string, Extract<AslState, { Type: 'Task' }>, AslMachine];
    const step = (task.Arguments as { Step: { Name: string; HadoopJarStep: { Args: string[] } } }).Step;
    expect(await evaluate(step.Name, { day: '2026-11-01' })).toBe(`etl:clean_events:${c.plans.clean_events.planHash.slice(0, 12)}:dt=2026-11-01`);
    const args = step.HadoopJarStep.Args;
    expect(await evaluate(args[args.indexOf(c.plans.clean_events.planUri) + 1], { day: '2026-11-01' })).toBe('dt=2026-11-01');
    expect(await evaluate(args[args.indexOf('--result-uri') + 1], { states: { context: { Execution: { Name: 'slice-2026-11-01' } } } })).toBe('s3://lake-bucket/etl/runs/clean_events/slice-2026-11-01/result.json');
    const failure = (c.stateMachine.definition.States['Pipeline failed'] as Extract<AslState, { Type: 'Fail' }>).Cause;
    expect(await evaluate(failure, { failure: { Error: 'lakeform.JobFailed', Cause: 'job sessions failed: step failed' } })).toBe('job sessions failed: step failed');
  });

  it('the schedule starts the state machine with its scheduled time, in the pipeline\'s time zone', async () => {
    const c = await compiled(TARGETS['Glue jobs']);
    expect(c.schedule).toMatchObject({
      Name: 'lakeform-aws-nightly',
      ScheduleExpression: 'cron(0 7 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RoleArn: 'arn:aws:iam::123456789012:role/scheduler', Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
    });
  });
});
