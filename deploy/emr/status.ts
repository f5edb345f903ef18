/** `etl status`: recent steps of the jobs on an environment's cluster or transient clusters. */
import { paginateListSteps, type EMRClient } from '@aws-sdk/client-emr';
import { fromAws } from '../aws/errors.ts';
import { findClusters } from './steps.ts';
import { stepsLogPrefix } from './wait.ts';

export interface StepReport {
  readonly job: string;
  readonly clusterId: string;
  readonly stepId: string;
  readonly name: string;
  readonly state: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly logLocation?: string;
  readonly failure?: string;
}

/** Step names are `etl:<job>:<plan>:<params>`; clusters `etl-<job>-<plan>`. */
export function jobOfStep(name: string): string | undefined {
  const m = /^etl:([^:]+):/.exec(name);
  return m?.[1];
}

export async function recentSteps(emr: EMRClient, target: { clusterId?: string; transient: boolean }, options: { job?: string; limit?: number; sinceDays?: number } = {}): Promise<StepReport[]> {
  const limit = options.limit ?? 20;
  const clusters = target.clusterId
    ? [target.clusterId]
    : (await findClusters(emr, `etl-${options.job ? `${options.job}-` : ''}*`, ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING', 'TERMINATED', 'TERMINATED_WITH_ERRORS'], new Date(Date.now() - (options.sinceDays ?? 7) * 86_400_000))).map((c) => c.id);
  const out: StepReport[] = [];
  for (const clusterId of clusters) {
    let logBase: string | undefined | null = null;
    try {
      for await (const page of paginateListSteps({ client: emr }, { ClusterId: clusterId })) {
        for (const s of page.Steps ?? []) {
          const job = jobOfStep(s.Name ?? '');
          if (!job || (options.job && job !== options.job)) continue;
          if (logBase === null) logBase = await stepsLogPrefix(emr, clusterId);
          const t = s.Status?.Timeline ?? {};
          const start = t.StartDateTime ?? t.CreationDateTime;
          out.push({
            job,
            clusterId,
            stepId: s.Id!,
            name: s.Name!,
            state: s.Status?.State ?? 'UNKNOWN',
            ...(start ? { startedAt: start.toISOString() } : {}),
            ...(t.EndDateTime ? { endedAt: t.EndDateTime.toISOString() } : {}),
            ...(start && t.EndDateTime ? { durationMs: t.EndDateTime.getTime() - start.getTime() } : {}),
            ...(logBase ? { logLocation: `${logBase}${s.Id}/` } : {}),
            ...(s.Status?.FailureDetails?.Reason ? { failure: s.Status.FailureDetails.Reason } : {}),
          });
        }
        if (out.length >= limit * 3) break;
      }
    } catch (e) {
      throw fromAws(e, 'elasticmapreduce:ListSteps', `cluster ${clusterId}`);
    }
  }
  return out.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
}
