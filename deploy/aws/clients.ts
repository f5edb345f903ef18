/**
 * AWS SDK clients for an environment. Credentials come from the SDK's default provider chain
 * (environment, profile, SSO, instance role); the standard AWS_ENDPOINT_URL and AWS_REGION
 * variables are honoured, so the same code runs against moto in tests.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { EMRClient } from '@aws-sdk/client-emr';
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Environment } from '../../framework/config/config.ts';

/** Throttling and transient errors are retried with exponential backoff and jitter, this many attempts in all. */
export const MAX_ATTEMPTS = 6;

export interface AwsClients {
  readonly region: string;
  readonly glue: GlueClient;
  readonly s3: S3Client;
  readonly emr: EMRClient;
  /**
   * For calls that are not idempotent (AddJobFlowSteps, RunJobFlow): the SDK must not repeat
   * them blindly after a lost response; the caller checks what happened before retrying.
   */
  readonly emrSingleAttempt: EMRClient;
  /** Glue's StartJobRun is not idempotent either (it has no client token). */
  readonly glueSingleAttempt: GlueClient;
  readonly serverless: EMRServerlessClient;
  readonly logs: CloudWatchLogsClient;
  readonly sfn: SFNClient;
  readonly scheduler: SchedulerClient;
}

export function awsClients(env: Pick<Environment, 'region' | 'profile'>): AwsClients {
  const region = process.env.AWS_REGION ?? env.region;
  const common = { region, maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive', ...(env.profile ? { profile: env.profile } : {}) } as const;
  let glue: GlueClient | undefined;
  let s3: S3Client | undefined;
  let emr: EMRClient | undefined;
  let emrSingleAttempt: EMRClient | undefined;
  let glueSingleAttempt: GlueClient | undefined;
  let serverless: EMRServerlessClient | undefined;
  let logs: CloudWatchLogsClient | undefined;
  let sfn: SFNClient | undefined;
  let scheduler: SchedulerClient | undefined;
  return {
    region,
    get glue() {
      return (glue ??= new GlueClient(common));
    },
    get s3() {
      // Path-style addressing works with every endpoint (moto, S3-compatible stores) and with
      // bucket names that contain dots, which virtual-hosted style cannot serve over TLS.
      return (s3 ??= new S3Client({ ...common, forcePathStyle: true }));
    },
    get emr() {
      return (emr ??= new EMRClient(common));
    },
    get emrSingleAttempt() {
      return (emrSingleAttempt ??= new EMRClient({ ...common, maxAttempts: 1 }));
    },
    get glueSingleAttempt() {
      return (glueSingleAttempt ??= new GlueClient({ ...common, maxAttempts: 1 }));
    },
    get serverless() {
      return (serverless ??= new EMRServerlessClient(common));
    },
    get logs() {
      return (logs ??= new CloudWatchLogsClient(common));
    },
    get sfn() {
      return (sfn ??= new SFNClient(common));
    },
    get scheduler() {
      return (scheduler ??= new SchedulerClient(common));
    },
  };
}
