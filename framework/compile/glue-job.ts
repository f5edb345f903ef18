/**
 * AWS Glue jobs: one Glue job per lakeform job, whose script is the generic driver, and a job
 * run per submit, whose arguments name the content-addressed plan. Values are typed exactly as
 * Glue's CreateJob/UpdateJob and StartJobRun take them.
 *
 * Glue has no client token: the run's identity (job, plan hash, params: the EMR step name) goes
 * in the `--etl-run` argument, so a retried submit finds the run it already started.
 */

export interface GlueJobDefinition {
  readonly Name: string;
  readonly Description: string;
  readonly Role: string;
  readonly Command: { readonly Name: 'glueetl'; readonly ScriptLocation: string; readonly PythonVersion: '3' };
  readonly GlueVersion: string;
  readonly WorkerType: string;
  readonly NumberOfWorkers: number;
  readonly Timeout: number;
  readonly ExecutionProperty: { readonly MaxConcurrentRuns: number };
  readonly DefaultArguments: Readonly<Record<string, string>>;
  readonly Tags: Readonly<Record<string, string>>;
}

export interface GlueStartJobRun {
  readonly JobName: string;
  readonly Arguments: Readonly<Record<string, string>>;
}

export interface GlueJobSpec {
  readonly job: string;
  readonly name: string;
  readonly description?: string;
  readonly role: string;
  readonly version: string;
  readonly workerType: string;
  readonly numberOfWorkers: number;
  readonly timeoutMinutes: number;
  readonly scriptUri: string;
  readonly sparkConf: Readonly<Record<string, string>>;
}

/** The arguments a run passes the driver (deploy/spark/driver.py reads them under Glue's runner). */
export const GLUE_RUN_ARGUMENT = '--etl-run';

export function glueJobDefinition(spec: GlueJobSpec): GlueJobDefinition {
  const conf = Object.keys(spec.sparkConf).sort().map((k) => `${k}=${spec.sparkConf[k]}`);
  return {
    Name: spec.name,
    Description: spec.description ?? `lakeform job ${spec.job}`,
    Role: spec.role,
    Command: { Name: 'glueetl', ScriptLocation: spec.scriptUri, PythonVersion: '3' },
    GlueVersion: spec.version,
    WorkerType: spec.workerType,
    NumberOfWorkers: spec.numberOfWorkers,
    Timeout: spec.timeoutMinutes,
    // Runs of different days may overlap (a backfill, a rerun); lakeform's own locks are per table.
    ExecutionProperty: { MaxConcurrentRuns: 4 },
    DefaultArguments: {
      '--enable-glue-datacatalog': 'true',
      // lakeform keeps its own incremental state (the ledger); Glue's bookmarks would skip input.
      '--job-bookmark-option': 'job-bookmark-disable',
      '--job-language': 'python',
      // Glue takes extra Spark settings as one --conf value: 'a=1 --conf b=2'.
      ...(conf.length ? { '--conf': conf.join(' --conf ') } : {}),
    },
    Tags: { 'lakeform:job': spec.job },
  };
}

export function glueStartJobRun(spec: { readonly name: string; readonly runName: string; readonly planUri: string; readonly resultUri: string; readonly params: Readonly<Record<string, string>> }): GlueStartJobRun {
  return {
    JobName: spec.name,
    Arguments: {
      '--plan-uri': spec.planUri,
      '--result-uri': spec.resultUri,
      '--etl-params': JSON.stringify(Object.fromEntries(Object.keys(spec.params).sort().map((k) => [k, spec.params[k]]))),
      [GLUE_RUN_ARGUMENT]: spec.runName,
    },
  };
}
