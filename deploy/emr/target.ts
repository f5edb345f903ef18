/** The EMR target: a step on the environment's cluster (or `--cluster`), or on a transient cluster that ends with it. */
import type { StepStatus } from '@aws-sdk/client-emr';
import type { Environment } from '../../framework/config/config.ts';
import { UsageError } from '../../framework/errors/index.ts';
import type { AwsClients } from '../aws/clients.ts';
import type { RunTarget } from '../targets/target.ts';
import { submitToCluster, submitTransient } from './steps.ts';
import { describeFailure, waitForStep } from './wait.ts';
import { recentSteps } from './status.ts';

export interface EmrPlacement {
  /** A running cluster (j-...) instead of the environment's. */
  readonly clusterId?: string;
  /** A transient cluster even when the environment names a running one. */
  readonly transient?: boolean;
}

export function emrTarget(clients: AwsClients, env: Environment, placement: EmrPlacement = {}): RunTarget {
  const clusterId = placement.clusterId ?? (placement.transient ? undefined : env.emr.clusterId);
  return {
    kind: 'emr',
    prepare: async () => [],
    async start(compiled, options) {
      const transient = !clusterId && (placement.transient || !!compiled.emr.runJobFlow);
      if (!clusterId && !transient) throw new UsageError(`environment ${env.name} names no EMR cluster`, 'pass --cluster j-..., or set emr.clusterId or emr.transient in etl.config.ts');
      const step = compiled.emr.step;
      const submitted = clusterId
        ? await submitToCluster(clients, clusterId, step, { ...(options.force ? { force: true } : {}), ...(env.executionRoleArn ? { executionRoleArn: env.executionRoleArn } : {}) })
        : await submitTransient(clients, { ...compiled.emr.runJobFlow!, Steps: [step] }, options.force ? { force: true } : {});
      return {
        target: 'emr',
        runId: submitted.stepId,
        where: submitted.clusterId,
        name: submitted.name,
        added: submitted.added,
        ...(submitted.state ? { state: submitted.state } : {}),
        ...(submitted.startedCluster ? { startedCluster: true } : {}),
      };
    },
    wait: (run, options) => waitForStep(clients.emr, run.where, run.runId, options),
    succeeded: (state) => state === 'COMPLETED',
    failure: (run, end) => describeFailure(clients, run.where, run.runId, end.status as StepStatus),
    async recent(jobs, limit) {
      const steps = await recentSteps(clients.emr, { ...(clusterId ? { clusterId } : {}), transient: !clusterId }, { ...(jobs.length === 1 ? { job: jobs[0] } : {}), limit });
      return steps
        .filter((s) => jobs.includes(s.job))
        .map((s) => ({ ...s, target: 'emr' as const, runId: s.stepId, where: s.clusterId }));
    },
  };
}
