/**
 * Pipelines on AWS as a user deploys and runs them (the example project's `daily` pipeline),
 * through the real CLI and SDK against moto_server: `etl deploy` creates the Step Functions
 * state machine and the EventBridge Scheduler schedule once (a second deploy changes nothing),
 * `etl pipeline run` starts one execution per slice however often it is repeated, and
 * `etl pipeline status` lists it. (moto runs no state machine: the executions stay RUNNING.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeStateMachineCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startMoto, type Moto } from '../support/moto.ts';
import { copyOfTestProject, etlIn } from '../support/project.ts';

let moto: Moto;
let dir: string;
const json = (...args: string[]) => {
  const r = etlIn(dir, [...args, '--json'], { ...moto.env, ETL_POLL_INTERVAL_MS: '20' });
  if (r.status !== 0) throw new Error(`etl ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
};
const client = <T>(C: new (config: object) => T) => new C({ region: moto.env.AWS_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

beforeAll(async () => {
  moto = await startMoto();
  dir = copyOfTestProject();
}, 30_000);
afterAll(() => moto?.stop());

describe('pipelines on AWS (moto_server)', () => {
  for (const env of ['dev', 'glue-dev']) {
    it(`${env}: deploy creates the state machine and the schedule once; a run per slice; status`, async () => {
      json('bootstrap', '--env', env);
      const first = json('deploy', '--env', env);
      expect(first.pipelines).toEqual([
        expect.objectContaining({ pipeline: 'daily', stateMachine: expect.objectContaining({ name: `lakeform-${env}-daily`, action: 'create' }), schedule: { name: `lakeform-${env}-daily`, action: 'create', expression: 'cron(30 6 * * ? *)' }, changed: true }),
      ]);
      const arn = (await client(SFNClient).send(new ListStateMachinesCommand({}))).stateMachines!.find((m) => m.name === `lakeform-${env}-daily`)!.stateMachineArn!;
      const machine = await client(SFNClient).send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      const definition = JSON.parse(machine.definition!);
      expect(definition.QueryLanguage).toBe('JSONata');
      expect(Object.keys(definition.States)).toContain('Level 2: daily_kpis, user_sessions');
      const schedule = await client(SchedulerClient).send(new GetScheduleCommand({ Name: `lakeform-${env}-daily` }));
      expect(schedule.Target?.Arn).toBe(arn);
      expect(schedule.Target?.Input).toBe('{"scheduledTime":"<aws.scheduler.scheduled-time>"}');

      const second = json('deploy', '--env', env);
      expect(second.changed).toBe(false);
      expect(second.pipelines[0]).toMatchObject({ stateMachine: { action: 'unchanged' }, schedule: { action: 'unchanged' } });

      const run = json('pipeline', 'run', 'daily', '--env', env, '--slice', '2026-11-01');
      expect(run.execution).toMatchObject({ name: 'slice-2026-11-01', started: true });
      expect(json('pipeline', 'run', 'daily', '--env', env, '--slice', '2026-11-01').execution).toMatchObject({ name: 'slice-2026-11-01', started: false });
      const executions = (await client(SFNClient).send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions!;
      expect(executions.map((x) => x.name)).toEqual(['slice-2026-11-01']);
      const status = json('pipeline', 'status', 'daily', '--env', env);
      expect(status.executions.map((x: { name: string }) => x.name)).toEqual(['slice-2026-11-01']);
    }, 120_000);
  }

  it('a pipeline not deployed yet names the fix', () => {
    const r = etlIn(dir, ['pipeline', 'run', 'daily', '--env', 'serverless-dev', '--slice', '2026-11-01'], moto.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pipeline daily is not deployed to serverless-dev \(no state machine lakeform-serverless-dev-daily\)\n  hint: deploy it: etl deploy --env serverless-dev/);
  });
});
