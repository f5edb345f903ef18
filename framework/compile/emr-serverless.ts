/**
 * EMR Serverless: a job run of the generic driver on an application, with the Glue Data Catalog
 * as Spark's metastore. Typed as EMR Serverless's StartJobRun takes it. Its `clientToken`
 * (derived from the run's identity: job, plan hash, params) makes a retried call idempotent in
 * AWS; the `name` is the identity itself, so a submit also finds an earlier run by name.
 */
import { createHash } from 'node:crypto';

const GLUE_METASTORE_FACTORY = 'com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory';

export interface ServerlessStartJobRun {
  /** Absent when the environment names the application by name only: `etl submit` looks it up. */
  readonly applicationId?: string;
  readonly clientToken: string;
  readonly executionRoleArn: string;
  readonly name: string;
  readonly jobDriver: { readonly sparkSubmit: { readonly entryPoint: string; readonly entryPointArguments: readonly string[]; readonly sparkSubmitParameters: string } };
  readonly configurationOverrides?: { readonly monitoringConfiguration: { readonly s3MonitoringConfiguration: { readonly logUri: string } } };
  readonly tags: Readonly<Record<string, string>>;
}

export interface ServerlessRunSpec {
  readonly job: string;
  readonly runName: string;
  readonly planHash: string;
  readonly applicationId?: string;
  readonly executionRoleArn: string;
  readonly driverUri: string;
  readonly planUri: string;
  readonly resultUri: string;
  readonly params: Readonly<Record<string, string>>;
  readonly sparkConf: Readonly<Record<string, string>>;
  readonly logUri?: string;
}

export function serverlessStartJobRun(spec: ServerlessRunSpec): ServerlessStartJobRun {
  const conf = { 'spark.hadoop.hive.metastore.client.factory.class': GLUE_METASTORE_FACTORY, ...spec.sparkConf };
  const params = Object.keys(spec.params).sort().map((k) => `${k}=${spec.params[k]}`);
  return {
    ...(spec.applicationId ? { applicationId: spec.applicationId } : {}),
    // At most 64 characters: the identity's digest.
    clientToken: createHash('sha256').update(spec.runName).digest('hex').slice(0, 64),
    executionRoleArn: spec.executionRoleArn,
    name: spec.runName,
    jobDriver: {
      sparkSubmit: {
        entryPoint: spec.driverUri,
        entryPointArguments: [spec.planUri, ...params, '--result-uri', spec.resultUri],
        sparkSubmitParameters: Object.keys(conf).sort().map((k) => `--conf ${k}=${conf[k as keyof typeof conf]}`).join(' '),
      },
    },
    ...(spec.logUri ? { configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: spec.logUri } } } } : {}),
    tags: { 'lakeform:job': spec.job, 'lakeform:plan': spec.planHash.slice(0, 12) },
  };
}
