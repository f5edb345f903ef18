/** `etl backfill --env <aws env>`: the AWS session for deploy/emr/backfill.ts, loaded only when needed. */
import { backfillOnEmr as run } from '../../../deploy/emr/backfill.ts';
import { daysBetween, sliceDateParam, type BackfillResult, type SliceOutcome } from '../../run/backfill.ts';
import { awsSession, compileFor, pollOptions, requireDriver } from './aws-session.ts';

export interface EmrBackfillArgs {
  readonly from: string;
  readonly to: string;
  readonly params: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly onSliceStart?: (day: string, index: number, total: number) => void;
  readonly onSliceEnd?: (outcome: SliceOutcome, index: number, total: number) => void;
}

export async function backfillOnEmr(envName: string, job: string, args: EmrBackfillArgs): Promise<BackfillResult> {
  const session = await awsSession(envName, 'etl backfill');
  const column = await sliceDateParam(session.project, job, args.params);
  const days = daysBetween(args.from, args.to);
  return run(
    { env: session.env, clients: session.clients, metastore: session.metastore, driverSource: await requireDriver(), compile: (params) => compileFor(session, job, params), ...pollOptions() },
    { job, column, days, params: args.params, force: args.force, ...(args.onSliceStart ? { onSliceStart: args.onSliceStart } : {}), ...(args.onSliceEnd ? { onSliceEnd: args.onSliceEnd } : {}) },
  );
}
