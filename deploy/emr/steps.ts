/**
 * Adding a job's step to EMR exactly once. Step names are deterministic (job, plan hash,
 * params), so before adding, and again after any failed attempt whose response may have been
 * lost, the cluster's steps are searched for the name: a step that is pending, running or
 * completed is the one we want, not a reason to add another.
 */
import {
  AddJobFlowStepsCommand,
  ListClustersCommand,
  RunJobFlowCommand,
  paginateListSteps,
  type ClusterState,
  type EMRClient,
  type StepState,
  type StepSummary,
} from '@aws-sdk/client-emr';
import type { EmrStepConfig, RunJobFlowRequest } from '../../framework/compile/emr.ts';
import type { AwsClients } from '../aws/clients.ts';
import { AwsError, awsErrorCode, fromAws, outcomeUnknown } from '../aws/errors.ts';

/** States in which a step with our name means "already submitted". */
export const LIVE_STEP_STATES: StepState[] = ['PENDING', 'CANCEL_PENDING', 'RUNNING', 'COMPLETED'];
const LIVE_CLUSTER_STATES: ClusterState[] = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING'];

export interface SubmittedStep {
  readonly clusterId: string;
  readonly stepId: string;
  readonly name: string;
  /** false: a step with this name was already on the cluster, and was reused. */
  readonly added: boolean;
  /** The state of a reused step when it was found. */
  readonly state?: string;
  /** A transient cluster started for this step. */
  readonly startedCluster?: boolean;
}

export async function findStep(emr: EMRClient, clusterId: string, name: string, states: StepState[] = LIVE_STEP_STATES): Promise<StepSummary | undefined> {
  try {
    for await (const page of paginateListSteps({ client: emr }, { ClusterId: clusterId, StepStates: states })) {
      const hit = (page.Steps ?? []).find((s) => s.Name === name);
      if (hit) return hit;
    }
  } catch (e) {
    throw fromAws(e, 'elasticmapreduce:ListSteps', `cluster ${clusterId}`);
  }
  return undefined;
}


export interface StepOptions {
  /** Add a new step even when one with the same name is pending, running or completed. */
  readonly force?: boolean;
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  /** The runtime role the step runs as (EMR runtime roles), from the environment's executionRoleArn. */
  readonly executionRoleArn?: string;
}

export async function submitToCluster(clients: AwsClients, clusterId: string, step: EmrStepConfig, options: StepOptions = {}): Promise<SubmittedStep> {
  if (!options.force) {
    const existing = await findStep(clients.emr, clusterId, step.Name);
    if (existing) return { clusterId, stepId: existing.Id!, name: step.Name, added: false, state: existing.Status?.State };
  }
  const maxAttempts = options.maxAttempts ?? 4;
  const seenBefore = options.force ? new Set((await listStepIds(clients.emr, clusterId, step.Name))) : new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      const { StepIds } = await clients.emrSingleAttempt.send(new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps: [step as never], ...(options.executionRoleArn ? { ExecutionRoleArn: options.executionRoleArn } : {}) }));
      return { clusterId, stepId: StepIds![0], name: step.Name, added: true };
    } catch (e) {
      if (!outcomeUnknown(e) || attempt >= maxAttempts) throw fromAws(e, 'elasticmapreduce:AddJobFlowSteps', `cluster ${clusterId}`);
      // The response was lost or the call failed midway: did the step get added?
      const landed = (await listStepIds(clients.emr, clusterId, step.Name)).find((id) => !seenBefore.has(id));
      if (landed) return { clusterId, stepId: landed, name: step.Name, added: true };
      await sleep((options.backoffMs ?? 1000) * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

async function listStepIds(emr: EMRClient, clusterId: string, name: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const page of paginateListSteps({ client: emr }, { ClusterId: clusterId })) for (const s of page.Steps ?? []) if (s.Name === name) ids.push(s.Id!);
  } catch (e) {
    throw fromAws(e, 'elasticmapreduce:ListSteps', `cluster ${clusterId}`);
  }
  return ids;
}

/** Live clusters with this name (transient clusters are named after job and plan). */
export async function findClusters(emr: EMRClient, name: string, states: ClusterState[] = LIVE_CLUSTER_STATES, createdAfter?: Date): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await emr.send(new ListClustersCommand({ ClusterStates: states, ...(createdAfter ? { CreatedAfter: createdAfter } : {}), ...(marker ? { Marker: marker } : {}) }));
      for (const c of page.Clusters ?? []) if (c.Name === name || (name.endsWith('*') && c.Name?.startsWith(name.slice(0, -1)))) out.push({ id: c.Id!, name: c.Name! });
      marker = page.Marker;
    } while (marker);
  } catch (e) {
    throw fromAws(e, 'elasticmapreduce:ListClusters', 'clusters');
  }
  return out;
}

/** Starts a transient cluster that runs the step and ends; reuses a live one started for the same plan. */
export async function submitTransient(clients: AwsClients, request: RunJobFlowRequest, options: StepOptions = {}): Promise<SubmittedStep> {
  const step = request.Steps[0];
  for (const cluster of await findClusters(clients.emr, request.Name)) {
    const existing = await findStep(clients.emr, cluster.id, step.Name);
    if (existing && !options.force) return { clusterId: cluster.id, stepId: existing.Id!, name: step.Name, added: false, state: existing.Status?.State };
  }
  const maxAttempts = options.maxAttempts ?? 3;
  const before = new Set((await findClusters(clients.emr, request.Name)).map((c) => c.id));
  for (let attempt = 1; ; attempt++) {
    try {
      const { JobFlowId } = await clients.emrSingleAttempt.send(new RunJobFlowCommand(request as never));
      return { clusterId: JobFlowId!, stepId: await stepOfNewCluster(clients.emr, JobFlowId!, step.Name), name: step.Name, added: true, startedCluster: true };
    } catch (e) {
      if (!outcomeUnknown(e) || attempt >= maxAttempts) throw fromAws(e, 'elasticmapreduce:RunJobFlow', `cluster ${request.Name}`);
      const started = (await findClusters(clients.emr, request.Name)).find((c) => !before.has(c.id));
      if (started) return { clusterId: started.id, stepId: await stepOfNewCluster(clients.emr, started.id, step.Name), name: step.Name, added: true, startedCluster: true };
      await sleep((options.backoffMs ?? 1000) * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

/** The step a transient cluster was started with (RunJobFlow returns only the cluster id). */
async function stepOfNewCluster(emr: EMRClient, clusterId: string, name: string): Promise<string> {
  const step = await findStep(emr, clusterId, name, ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'INTERRUPTED', 'CANCEL_PENDING']);
  if (!step) throw new AwsError('StepNotFound', 'elasticmapreduce:ListSteps', `cluster ${clusterId}`, `cluster ${clusterId} was started, but its step ${name} is not listed`, `look at the cluster in the EMR console, or etl status --env <env>`);
  return step.Id!;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
