/**
 * Pipelines on AWS: the Step Functions state machine and the EventBridge Scheduler schedule of a
 * compiled pipeline, created or updated only when they differ (a second deploy changes
 * nothing); executions started once per slice (the execution's name is the slice); and the
 * recent executions with each job's state and duration, read from their histories.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  UpdateStateMachineCommand,
  paginateListStateMachines,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import type { CompiledPipeline, ScheduleRequest } from '../../framework/compile/pipeline.ts';
import { stableJson } from '../../framework/compile/compile-job.ts';
import { UsageError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import { awsErrorCode, fromAws } from '../aws/errors.ts';
import { pollUntilEnd, type PollOptions, type Polled } from '../aws/poll.ts';

export interface PipelineDeployReport {
  readonly pipeline: string;
  readonly stateMachine: { readonly name: string; readonly action: 'create' | 'update' | 'unchanged' };
  readonly schedule: { readonly name: string; readonly action: 'create' | 'update' | 'delete' | 'unchanged' | 'none'; readonly expression?: string };
  readonly changed: boolean;
}

export async function findStateMachine(clients: AwsClients, name: string): Promise<string | undefined> {
  try {
    for await (const page of paginateListStateMachines({ client: clients.sfn }, {})) {
      const hit = (page.stateMachines ?? []).find((m) => m.name === name);
      if (hit) return hit.stateMachineArn;
    }
  } catch (e) {
    throw fromAws(e, 'states:ListStateMachines', `state machine ${name}`);
  }
  return undefined;
}

export async function deployPipeline(clients: AwsClients, compiled: CompiledPipeline, options: { dryRun?: boolean } = {}): Promise<PipelineDeployReport> {
  const { name, roleArn, definition } = compiled.stateMachine;
  if (!roleArn || (compiled.schedule && !compiled.schedule.Target.RoleArn)) {
    throw new UsageError(`environment ${compiled.env} has no roles for pipelines`, "add pipelines: { stateMachineRoleArn: '...', schedulerRoleArn: '...' } to it in etl.config.ts");
  }
  const text = stableJson(definition);
  const resource = `state machine ${name}`;
  let arn = await findStateMachine(clients, name);
  let action: PipelineDeployReport['stateMachine']['action'] = 'unchanged';
  if (!arn) {
    action = 'create';
    if (!options.dryRun) {
      try {
        arn = (await clients.sfn.send(new CreateStateMachineCommand({ name, definition: text, roleArn, type: 'STANDARD', tags: [{ key: 'lakeform:pipeline', value: compiled.name }] }))).stateMachineArn;
      } catch (e) {
        throw fromAws(e, 'states:CreateStateMachine', resource);
      }
    }
  } else {
    let current;
    try {
      current = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    } catch (e) {
      throw fromAws(e, 'states:DescribeStateMachine', resource);
    }
    if (stableJson(JSON.parse(current.definition ?? '{}')) !== text || current.roleArn !== roleArn) {
      action = 'update';
      if (!options.dryRun) {
        try {
          await clients.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: text, roleArn }));
        } catch (e) {
          throw fromAws(e, 'states:UpdateStateMachine', resource);
        }
      }
    }
  }
  const schedule = await syncSchedule(clients, name, compiled.schedule, arn, options);
  return { pipeline: compiled.name, stateMachine: { name, action }, schedule, changed: action !== 'unchanged' || (schedule.action !== 'unchanged' && schedule.action !== 'none') };
}

async function syncSchedule(clients: AwsClients, name: string, wanted: ScheduleRequest | undefined, stateMachineArn: string | undefined, options: { dryRun?: boolean }): Promise<PipelineDeployReport['schedule']> {
  const resource = `schedule ${name}`;
  let current;
  try {
    current = await clients.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: 'default' }));
  } catch (e) {
    if (awsErrorCode(e) !== 'ResourceNotFoundException') throw fromAws(e, 'scheduler:GetSchedule', resource);
  }
  if (!wanted) {
    if (!current) return { name, action: 'none' };
    if (!options.dryRun) await clients.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: 'default' })).catch((e) => Promise.reject(fromAws(e, 'scheduler:DeleteSchedule', resource)));
    return { name, action: 'delete' };
  }
  const request = { ...wanted, Target: { ...wanted.Target, Arn: stateMachineArn ?? wanted.Target.Arn } };
  const same =
    current &&
    current.ScheduleExpression === request.ScheduleExpression &&
    (current.ScheduleExpressionTimezone ?? 'UTC') === request.ScheduleExpressionTimezone &&
    current.State === request.State &&
    current.Description === request.Description &&
    current.Target?.Arn === request.Target.Arn &&
    current.Target?.RoleArn === request.Target.RoleArn &&
    current.Target?.Input === request.Target.Input;
  if (same) return { name, action: 'unchanged', expression: request.ScheduleExpression };
  const action = current ? 'update' : 'create';
  if (!options.dryRun) {
    try {
      await clients.scheduler.send(current ? new UpdateScheduleCommand(request as never) : new CreateScheduleCommand(request as never));
    } catch (e) {
      throw fromAws(e, current ? 'scheduler:UpdateSchedule' : 'scheduler:CreateSchedule', resource);
    }
  }
  return { name, action, expression: request.ScheduleExpression };
}

export interface StartedExecution {
  readonly arn: string;
  readonly name: string;
  /** false: an execution of this slice existed already and is reported instead. */
  readonly started: boolean;
  readonly status?: string;
}

/** An execution for the slice, named after it: starting the same slice again reports the first. */
export async function startPipeline(clients: AwsClients, stateMachineArn: string, day: string | undefined): Promise<StartedExecution> {
  const name = day ? `slice-${day}` : `all-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const arn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
  const existing = await describe(clients, arn);
  if (existing) return { arn, name, started: false, ...(existing.status ? { status: existing.status } : {}) };
  try {
    const { executionArn } = await clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(day ? { slice: day } : {}) }));
    return { arn: executionArn ?? arn, name, started: true };
  } catch (e) {
    if (awsErrorCode(e) === 'ExecutionAlreadyExists') {
      const status = (await describe(clients, arn))?.status;
      return { arn, name, started: false, ...(status ? { status } : {}) };
    }
    throw fromAws(e, 'states:StartExecution', `state machine ${stateMachineArn.split(':').pop()}`);
  }
}

async function describe(clients: AwsClients, arn: string) {
  try {
    return await clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  } catch (e) {
    if (awsErrorCode(e) === 'ExecutionDoesNotExist') return undefined;
    throw fromAws(e, 'states:DescribeExecution', `execution ${arn.split(':').pop()}`);
  }
}

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

export function waitForExecution(clients: AwsClients, arn: string, options: PollOptions = {}): Promise<Polled<{ error?: string; cause?: string }>> {
  return pollUntilEnd(
    async (abortSignal) => {
      try {
        const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }), { abortSignal });
        return { state: d.status ?? 'UNKNOWN', status: { ...(d.error ? { error: d.error } : {}), ...(d.cause ? { cause: d.cause } : {}) } };
      } catch (e) {
        throw fromAws(e, 'states:DescribeExecution', `execution ${arn.split(':').pop()}`);
      }
    },
    ENDED,
    options,
  );
}

export interface ExecutionReport {
  readonly name: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  readonly jobs: readonly { readonly job: string; readonly state: string; readonly durationMs?: number }[];
}

/** Recent executions, newest first, with the state of each job's task from the execution's history. */
export async function pipelineExecutions(clients: AwsClients, stateMachineArn: string, jobs: readonly string[], limit: number): Promise<ExecutionReport[]> {
  let executions;
  try {
    executions = (await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: limit }))).executions ?? [];
  } catch (e) {
    throw fromAws(e, 'states:ListExecutions', `state machine ${stateMachineArn.split(':').pop()}`);
  }
  const out: ExecutionReport[] = [];
  for (const x of executions) {
    let events: HistoryEvent[] = [];
    try {
      events = (await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn: x.executionArn, maxResults: 1000 }))).events ?? [];
    } catch (e) {
      throw fromAws(e, 'states:GetExecutionHistory', `execution ${x.name}`);
    }
    out.push({
      name: x.name ?? '',
      status: x.status ?? 'UNKNOWN',
      ...(x.startDate ? { startedAt: x.startDate.toISOString() } : {}),
      ...(x.stopDate ? { stoppedAt: x.stopDate.toISOString() } : {}),
      jobs: jobStates(events, jobs),
    });
  }
  return out;
}

/** Each job's task, from the history: entered, then exited, or failed into the job's Fail state (compile/pipeline.ts). */
function jobStates(events: readonly HistoryEvent[], jobs: readonly string[]): ExecutionReport['jobs'] {
  return jobs.map((job) => {
    const entered = events.find((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === job);
    if (!entered) return { job, state: 'NOT RUN' };
    const failed = events.find((e) => e.type === 'FailStateEntered' && e.stateEnteredEventDetails?.name === `${job} failed`);
    const exited = events.find((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === job);
    const end = failed ?? exited;
    const state = failed ? 'FAILED' : exited ? 'SUCCEEDED' : 'RUNNING';
    return { job, state, ...(end?.timestamp && entered.timestamp ? { durationMs: end.timestamp.getTime() - entered.timestamp.getTime() } : {}) };
  });
}
