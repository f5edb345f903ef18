/**
 * A pipeline compiled for an environment: an AWS Step Functions state machine (Amazon States
 * Language, JSONata) that runs its jobs level by level on the environment's target with the
 * `.sync` service integrations (jobs of a level in parallel branches), retrying failed runs with
 * backoff and failing with the job's name and error; and the EventBridge Scheduler schedule
 * that starts it. The day a run builds is computed in the state machine from the scheduled time
 * (or given as `slice` by `etl pipeline run`), and passed to plans compiled without their slice
 * (deploy/spark/driver.py makes the day's plan from them).
 */
import type { BoundPipeline } from '../pipelines/pipeline.ts';
import { runsUri, serverlessLogUri, type Environment } from '../config/config.ts';
import { CompileError } from '../errors/index.ts';
import type { CompiledJob } from './compile-job.ts';

/** A JSONata expression in an ASL field. */
const jsonata = (expr: string) => `{% ${expr} %}`;
/** A JSONata string literal. */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export type AslState =
  | { readonly Type: 'Pass'; readonly Comment?: string; readonly Assign: Readonly<Record<string, string>>; readonly Next: string }
  | {
      readonly Type: 'Task';
      readonly Comment?: string;
      readonly Resource: string;
      readonly Arguments: object;
      readonly Assign?: Readonly<Record<string, string>>;
      readonly Retry?: readonly AslRetrier[];
      readonly Catch?: readonly AslCatcher[];
      readonly Next?: string;
      readonly End?: true;
    }
  | { readonly Type: 'Parallel'; readonly Comment?: string; readonly Branches: readonly AslMachine[]; readonly Catch: readonly AslCatcher[]; readonly Next: string }
  | { readonly Type: 'Fail'; readonly Comment?: string; readonly Error: string; readonly Cause: string }
  | { readonly Type: 'Succeed'; readonly Comment?: string };

export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly MaxAttempts: number;
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
}

export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly Assign?: Readonly<Record<string, string>>;
}

export interface AslMachine {
  readonly Comment?: string;
  readonly QueryLanguage?: 'JSONata';
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export interface ScheduleRequest {
  readonly Name: string;
  readonly GroupName: 'default';
  readonly Description: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' };
  readonly State: 'ENABLED';
  readonly Target: {
    /** The state machine's ARN (known once it exists; `etl deploy` fills it in). */
    readonly Arn: string;
    readonly RoleArn: string;
    /** Scheduler replaces the placeholder with the run's scheduled time. */
    readonly Input: string;
    readonly RetryPolicy: { readonly MaximumRetryAttempts: number; readonly MaximumEventAgeInSeconds: number };
  };
}

export interface CompiledPipeline {
  readonly name: string;
  readonly env: string;
  readonly stateMachine: { readonly name: string; readonly roleArn: string; readonly definition: AslMachine };
  readonly schedule?: ScheduleRequest;
  /** The plans the state machine runs (compiled without their slice), by job. */
  readonly plans: Readonly<Record<string, { readonly planHash: string; readonly planUri: string }>>;
}

export interface PipelineTargetContext {
  /** EMR Serverless: the application's id, found by `etl deploy` (shown by name in `etl plan`). */
  readonly applicationId?: string;
}

const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

export function compilePipeline(p: BoundPipeline, env: Environment, jobs: ReadonlyMap<string, CompiledJob>, context: PipelineTargetContext = {}): CompiledPipeline {
  const name = `lakeform-${env.name}-${p.name}`;
  // An EMR environment without a running cluster: the state machine starts one for the run and ends it.
  const transient = env.target === 'emr' && !env.emr.clusterId ? jobs.get(p.jobs[0])!.emr.runJobFlow : undefined;
  if (env.target === 'emr' && !env.emr.clusterId && !transient) {
    throw new CompileError(`pipeline ${p.name} cannot run on environment ${env.name}: it names no EMR cluster`, 'set emr.clusterId or emr.transient in etl.config.ts');
  }
  const day = p.slice === 'previous day' ? `$fromMillis($toMillis($states.input.scheduledTime) - 86400000, '[Y0001]-[M01]-[D01]')` : `$substring($states.input.scheduledTime, 0, 10)`;
  const first = transient ? 'Start cluster' : levelName(0, p.levels[0]);
  const done = transient ? 'End cluster' : 'Pipeline succeeded';
  const onFailure = transient ? 'End cluster after a failure' : 'Pipeline failed';
  const catchAll: AslCatcher = { ErrorEquals: ['States.ALL'], Assign: { failure: jsonata('$states.errorOutput') }, Next: onFailure };
  const states: Record<string, AslState> = {
    Slice: {
      Type: 'Pass',
      Comment: `the day to build: given as {"slice": "yyyy-MM-dd"} by etl pipeline run, else the ${p.slice} of the scheduled time`,
      Assign: { day: jsonata(`$exists($states.input.slice) ? $states.input.slice : ${day}`) },
      Next: first,
    },
  };
  if (transient) {
    const { Steps: _steps, ...cluster } = transient;
    states['Start cluster'] = {
      Type: 'Task',
      Comment: 'a transient EMR cluster for this run, with the Glue Data Catalog as metastore',
      Resource: 'arn:aws:states:::elasticmapreduce:createCluster.sync',
      Arguments: {
        ...cluster,
        Name: jsonata(`${lit(`lakeform-${p.name}-`)} & $states.context.Execution.Name`),
        Instances: { ...cluster.Instances, KeepJobFlowAliveWhenNoSteps: true },
        Tags: [{ Key: 'lakeform:env', Value: env.name }, { Key: 'lakeform:pipeline', Value: p.name }],
      },
      Assign: { cluster: jsonata('$states.result.ClusterId') },
      Catch: [{ ErrorEquals: ['States.ALL'], Assign: { failure: jsonata('$states.errorOutput') }, Next: 'Pipeline failed' }],
      Next: levelName(0, p.levels[0]),
    };
  }
  p.levels.forEach((level, i) => {
    states[levelName(i, level)] = {
      Type: 'Parallel',
      Branches: level.map((job) => branch(job, jobs.get(job)!, p, env, context, !!transient)),
      Catch: [catchAll],
      Next: i + 1 < p.levels.length ? levelName(i + 1, p.levels[i + 1]) : done,
    };
  });
  if (transient) {
    const end = (next: string): AslState => ({ Type: 'Task', Resource: 'arn:aws:states:::elasticmapreduce:terminateCluster.sync', Arguments: { ClusterId: jsonata('$cluster') }, Next: next });
    states['End cluster'] = end('Pipeline succeeded');
    states['End cluster after a failure'] = end('Pipeline failed');
  }
  states['Pipeline failed'] = { Type: 'Fail', Error: 'lakeform.PipelineFailed', Cause: jsonata("$exists($failure.Cause) ? $failure.Cause : $string($failure)") };
  states['Pipeline succeeded'] = { Type: 'Succeed' };
  const definition: AslMachine = { Comment: `lakeform pipeline ${p.name}${p.description ? `: ${p.description}` : ''} (environment ${env.name})`, QueryLanguage: 'JSONata', StartAt: 'Slice', States: states };
  const plans = Object.fromEntries(p.jobs.map((j) => [j, { planHash: jobs.get(j)!.planHash, planUri: jobs.get(j)!.artifacts.planUri }]));
  return {
    name: p.name,
    env: env.name,
    stateMachine: { name, roleArn: env.pipelines?.stateMachineRoleArn ?? '', definition },
    ...(p.schedule ? { schedule: scheduleRequest(p, env, name) } : {}),
    plans,
  };
}

function levelName(i: number, level: readonly string[]): string {
  return `Level ${i + 1}: ${level.join(', ')}`;
}

function branch(job: string, compiled: CompiledJob, p: BoundPipeline, env: Environment, context: PipelineTargetContext, transient: boolean): AslMachine {
  const param = p.sliceParam[job];
  if (param && !compiled.artifact.slicing) throw new CompileError(`job ${job} was compiled with its slice's parameters; a pipeline runs plans compiled without them`, 'this is a lakeform bug: report it');
  const identity = jsonata(`${lit(`etl:${job}:${compiled.planHash.slice(0, 12)}`)}${param ? ` & ${lit(`:${param}=`)} & $day` : ''}`);
  const resultUri = jsonata(`${lit(`${runsUri(env)}${job}/`)} & $states.context.Execution.Name & '/result.json'`);
  const params = param ? [jsonata(`${lit(`${param}=`)} & $day`)] : [];
  const attempts = p.retries.attempts;
  return {
    StartAt: job,
    States: {
      [job]: {
        Type: 'Task',
        ...targetTask(env, compiled, { identity, resultUri, params, param, cluster: transient ? jsonata('$cluster') : env.emr.clusterId }, context),
        ...(attempts > 1 ? { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: attempts - 1, IntervalSeconds: p.retries.intervalSeconds, BackoffRate: p.retries.backoffRate }] } : {}),
        Catch: [{ ErrorEquals: ['States.ALL'], Next: `${job} failed` }],
        End: true,
      },
      [`${job} failed`]: {
        Type: 'Fail',
        Error: 'lakeform.JobFailed',
        Cause: jsonata(`${lit(`job ${job} failed: `)} & ($exists($states.input.Cause) ? $states.input.Cause : $states.input.Error)`),
      },
    },
  };
}

interface RunValues {
  readonly identity: string;
  readonly resultUri: string;
  /** `dt=<day>` as the driver takes parameters (none for a job that is not sliced). */
  readonly params: readonly string[];
  readonly param: string | undefined;
  /** EMR: the cluster id, or the expression of the transient cluster's. */
  readonly cluster?: string;
}

/** The `.sync` task of the environment's target, shaped as the Step Functions service integrations take it. */
function targetTask(env: Environment, c: CompiledJob, v: RunValues, context: PipelineTargetContext): { Resource: string; Arguments: object; Comment: string } {
  switch (env.target) {
    case 'emr': {
      const conf = Object.keys(env.sparkConf).sort().flatMap((k) => ['--conf', `${k}=${env.sparkConf[k]}`]);
      return {
        Comment: env.emr.clusterId ? `EMR step on cluster ${env.emr.clusterId}` : 'EMR step on the run\'s transient cluster',
        Resource: 'arn:aws:states:::elasticmapreduce:addStep.sync',
        Arguments: {
          ClusterId: v.cluster,
          Step: {
            Name: v.identity,
            ActionOnFailure: 'CONTINUE',
            HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', '--deploy-mode', 'cluster', ...conf, c.artifacts.driverUri, c.artifacts.planUri, ...v.params, '--result-uri', v.resultUri, '--register-partitions'] },
          },
        },
      };
    }
    case 'glue': {
      const start = c.glue.startJobRun!;
      return {
        Comment: `Glue job ${start.JobName}`,
        Resource: 'arn:aws:states:::glue:startJobRun.sync',
        Arguments: {
          JobName: start.JobName,
          Arguments: {
            '--plan-uri': c.artifacts.planUri,
            '--result-uri': v.resultUri,
            '--etl-params': v.param ? jsonata(`$string({${lit(v.param)}: $day})`) : '{}',
            '--etl-run': v.identity,
            '--register-partitions': 'true',
          },
        },
      };
    }
    case 'emrServerless': {
      const s = c.emrServerless!.startJobRun;
      return {
        Comment: `EMR Serverless application ${c.emrServerless!.applicationName}`,
        Resource: 'arn:aws:states:::emr-serverless:startJobRun.sync',
        Arguments: {
          ApplicationId: s.applicationId ?? context.applicationId ?? `<the id of application ${c.emrServerless!.applicationName}, found by etl deploy>`,
          ExecutionRoleArn: s.executionRoleArn,
          Name: v.identity,
          ClientToken: jsonata('$uuid()'),
          JobDriver: {
            SparkSubmit: {
              EntryPoint: c.artifacts.driverUri,
              EntryPointArguments: [c.artifacts.planUri, ...v.params, '--result-uri', v.resultUri, '--register-partitions'],
              SparkSubmitParameters: s.jobDriver.sparkSubmit.sparkSubmitParameters,
            },
          },
          ConfigurationOverrides: { MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: serverlessLogUri(env) } } },
        },
      };
    }
  }
}

function scheduleRequest(p: BoundPipeline, env: Environment, stateMachine: string): ScheduleRequest {
  return {
    Name: stateMachine,
    GroupName: 'default',
    Description: `lakeform pipeline ${p.name} (environment ${env.name})`,
    ScheduleExpression: p.schedule!,
    ScheduleExpressionTimezone: p.timezone,
    FlexibleTimeWindow: { Mode: 'OFF' },
    State: 'ENABLED',
    Target: {
      Arn: `arn:aws:states:${env.region}:<account>:stateMachine:${stateMachine}`,
      RoleArn: env.pipelines?.schedulerRoleArn ?? '',
      Input: JSON.stringify({ scheduledTime: SCHEDULED_TIME }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
  };
}
