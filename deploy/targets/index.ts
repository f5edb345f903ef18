/** The run target of an environment (`target` in etl.config.ts). */
import type { Environment } from '../../framework/config/config.ts';
import type { AwsClients } from '../aws/clients.ts';
import { emrTarget, type EmrPlacement } from '../emr/target.ts';
import { glueTarget } from '../glue/job-runs.ts';
import { serverlessTarget } from '../emr-serverless/runs.ts';
import type { RunTarget } from './target.ts';

export type { RunTarget, StartedRun, RunFailure, RunReport, TargetKind } from './target.ts';

export function targetFor(env: Environment, clients: AwsClients, placement: EmrPlacement = {}): RunTarget {
  switch (env.target) {
    case 'emr':
      return emrTarget(clients, env, placement);
    case 'glue':
      return glueTarget(clients, env.glue!.jobNamePrefix);
    case 'emrServerless':
      return serverlessTarget(clients, env);
  }
}
