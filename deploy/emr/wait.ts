/**
 * Following a step to its end: DescribeStep polled with backoff, each state change reported;
 * on failure, EMR's reason and the tail of the step's stderr from the cluster's LogUri; on
 * success, the driver's JSON summary from the step's result location.
 */
import { gunzipSync } from 'node:zlib';
import { DescribeClusterCommand, DescribeStepCommand, type EMRClient, type StepStatus } from '@aws-sdk/client-emr';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.ts';
import { awsErrorCode, fromAws, redact } from '../aws/errors.ts';
import { parseS3Uri } from '../s3/uri.ts';
import { pollUntilEnd, type PollOptions, type Polled } from '../aws/poll.ts';

export const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'INTERRUPTED']);

export type WaitOptions = PollOptions;

export type StepOutcome = Polled<StepStatus>;

export async function waitForStep(emr: EMRClient, clusterId: string, stepId: string, options: WaitOptions = {}): Promise<StepOutcome> {
  return pollUntilEnd(
    async (abortSignal) => {
      try {
        const { Step } = await emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId }), { abortSignal });
        const status = Step?.Status ?? {};
        return { state: status.State ?? 'UNKNOWN', status };
      } catch (e) {
        throw fromAws(e, 'elasticmapreduce:DescribeStep', `step ${stepId} on cluster ${clusterId}`);
      }
    },
    TERMINAL_STATES,
    options,
  );
}

/** `<LogUri>/<cluster>/steps/<step>/`, where EMR pushes a step's stdout and stderr (gzip), a few minutes after the fact. */
export async function stepLogLocation(emr: EMRClient, clusterId: string, stepId: string): Promise<string | undefined> {
  const prefix = await stepsLogPrefix(emr, clusterId);
  return prefix ? `${prefix}${stepId}/` : undefined;
}

/** `<LogUri>/<cluster>/steps/`, or undefined for a cluster without a LogUri. */
export async function stepsLogPrefix(emr: EMRClient, clusterId: string): Promise<string | undefined> {
  try {
    const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: clusterId }));
    const logUri = Cluster?.LogUri?.replace(/^s3n:/, 's3:');
    return logUri ? `${logUri.replace(/\/?$/, '/')}${clusterId}/steps/` : undefined;
  } catch (e) {
    throw fromAws(e, 'elasticmapreduce:DescribeCluster', `cluster ${clusterId}`);
  }
}

/** The last `lines` lines of a log file on S3 (gunzipped when needed), or undefined if it is not there (yet). */
export async function logTail(s3: S3Client, uri: string, lines = 40): Promise<string | undefined> {
  const text = await readS3Text(s3, uri);
  if (text === undefined) return undefined;
  return redact(text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).slice(-lines).join('\n'));
}

export async function readS3Text(s3: S3Client, uri: string): Promise<string | undefined> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await res.Body!.transformToByteArray();
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    return Buffer.from(gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    if (awsErrorCode(e) === 'NoSuchKey' || awsErrorCode(e) === 'NotFound') return undefined;
    throw fromAws(e, 's3:GetObject', uri);
  }
}

export interface StepFailure {
  readonly reason?: string;
  readonly message?: string;
  readonly logFile?: string;
  readonly logLocation?: string;
  /** The tail of stderr, when EMR has pushed it to S3 already. */
  readonly stderrTail?: string;
}

export async function describeFailure(clients: AwsClients, clusterId: string, stepId: string, status: StepStatus): Promise<StepFailure> {
  const details = status.FailureDetails ?? {};
  const logLocation = await stepLogLocation(clients.emr, clusterId, stepId);
  const stderrTail = logLocation ? ((await logTail(clients.s3, `${logLocation}stderr.gz`)) ?? (await logTail(clients.s3, `${logLocation}stderr`))) : undefined;
  return {
    ...(details.Reason ? { reason: details.Reason } : {}),
    ...(details.Message ? { message: redact(details.Message) } : {}),
    ...(details.LogFile ? { logFile: details.LogFile } : {}),
    ...(logLocation ? { logLocation } : {}),
    ...(stderrTail ? { stderrTail } : {}),
  };
}

/** The driver's summary (the ETL_RESULT JSON) of a finished run. */
export interface DriverSummary {
  readonly status: string;
  readonly output?: {
    readonly table: string;
    readonly location: string;
    readonly mode: string;
    readonly rowsWritten: number;
    readonly partitions: readonly Record<string, unknown>[];
    /** Partitions of a sliced run's slice that it produced no rows for, removed (Hive paths). */
    readonly partitionsRemoved?: readonly string[];
  };
  /** The slice a sliced run owned (`dt=2026-11-01`). */
  readonly slice?: string;
  readonly [key: string]: unknown;
}

export async function readDriverSummary(s3: S3Client, resultUri: string): Promise<DriverSummary | undefined> {
  const text = await readS3Text(s3, resultUri);
  return text ? (JSON.parse(text) as DriverSummary) : undefined;
}
