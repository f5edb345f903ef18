/** `etl backfill --env <aws env>`: the AWS session for deploy/targets/backfill.ts, loaded only when needed. */
import { backfillOnTarget } from '../../../deploy/targets/backfill.ts';
import { targetFor } from '../../../deploy/targets/index.ts';
import { daysBetween, sliceDateParam, type BackfillResult, type SliceOutcome } from '../../run/backfill.ts';
import { awsSession, compileFor, pollOptions, requireDriver } from './aws-session.ts';

export interface AwsBackfillArgs {
  readonly from: string;
  readonly to: string;
  readonly params: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly onSliceStart?: (day: string, index: number, total: number) => void;
  readonly onSliceEnd?: (outcome: SliceOutcome, index: number, total: number) => void;
}

export async function backfillOnAws(envName: string, job: string, args: AwsBackfillArgs): Promise<BackfillResult> {
  const session = await awsSession(envName, 'etl backfill');
  const column = await sliceDateParam(session.project, job, args.params);
  const days = daysBetween(args.from, args.to);
  const driverSource = await requireDriver();
  return backfillOnTarget(
    {
      env: session.env,
      clients: session.clients,
      target: targetFor(session.env, session.clients),
      metastore: session.metastore,
      driverSource,
      compile: (params: Record<string, string>) => compileFor(session, job, params),
      ...pollOptions(),
    },
    { job, column, days, params: args.params, force: args.force, ...(args.onSliceStart ? { onSliceStart: args.onSliceStart } : {}), ...(args.onSliceEnd ? { onSliceEnd: args.onSliceEnd } : {}) },
  );
}
