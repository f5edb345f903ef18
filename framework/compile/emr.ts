/**
 * EMR submissions: the StepConfig that runs the generic driver on a job's plan artifact, and
 * the RunJobFlow request for a transient cluster that runs it with the Glue Data Catalog as
 * its Hive metastore. Values are typed exactly as the EMR API takes them.
 */
import { CompileError } from '../errors/index.ts';
export type ActionOnFailure = 'CONTINUE' | 'CANCEL_AND_WAIT' | 'TERMINATE_CLUSTER' | 'TERMINATE_JOB_FLOW';

export interface EmrStepConfig {
  readonly Name: string;
  readonly ActionOnFailure: ActionOnFailure;
  readonly HadoopJarStep: { readonly Jar: 'command-runner.jar'; readonly Args: readonly string[] };
}

/** EMR limits a step name to 256 characters and each argument to 10,240. */
export const EMR_STEP_NAME_MAX = 256;
export const EMR_ARG_MAX = 10_240;

export interface StepSpec {
  readonly job: string;
  readonly planHash: string;
  readonly params: Readonly<Record<string, string>>;
  readonly driverUri: string;
  readonly planUri: string;
  readonly resultUri: string;
  readonly sparkConf: Readonly<Record<string, string>>;
  readonly actionOnFailure: ActionOnFailure;
}

/** Deterministic: job, short plan hash and params, so a retried submit can find the step it already added. */
export function stepName(job: string, planHash: string, params: Readonly<Record<string, string>>): string {
  const p = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(',');
  const name = `etl:${job}:${planHash.slice(0, 12)}${p ? `:${p}` : ''}`;
  return name.length <= EMR_STEP_NAME_MAX ? name : `${name.slice(0, EMR_STEP_NAME_MAX - 14)}~${planHash.slice(12, 25)}`;
}

export function emrStep(spec: StepSpec): EmrStepConfig {
  const conf = Object.keys(spec.sparkConf)
    .sort()
    .flatMap((k) => ['--conf', `${k}=${spec.sparkConf[k]}`]);
  const params = Object.keys(spec.params)
    .sort()
    .map((k) => `${k}=${spec.params[k]}`);
  const args = ['spark-submit', '--deploy-mode', 'cluster', ...conf, spec.driverUri, spec.planUri, ...params, '--result-uri', spec.resultUri];
  const tooLong = args.find((a) => a.length > EMR_ARG_MAX);
  if (tooLong) {
    throw new CompileError(
      `job '${spec.job}': an EMR step argument is longer than ${EMR_ARG_MAX} characters (EMR's limit): ${tooLong.slice(0, 60)}…`,
      'shorten the parameter value or the Spark conf setting; long values belong in the job file, which travels in plan.json',
    );
  }
  return {
    Name: stepName(spec.job, spec.planHash, spec.params),
    ActionOnFailure: spec.actionOnFailure,
    HadoopJarStep: { Jar: 'command-runner.jar', Args: args },
  };
}

export interface TransientClusterSpec {
  readonly name: string;
  readonly releaseLabel: string;
  readonly logUri: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly serviceRole: string;
  readonly jobFlowRole: string;
  readonly subnetId?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface RunJobFlowRequest {
  readonly Name: string;
  readonly ReleaseLabel: string;
  readonly LogUri: string;
  readonly Applications: readonly { readonly Name: string }[];
  readonly Configurations: readonly { readonly Classification: string; readonly Properties: Readonly<Record<string, string>> }[];
  readonly Instances: {
    readonly MasterInstanceType: string;
    readonly SlaveInstanceType: string;
    readonly InstanceCount: number;
    readonly KeepJobFlowAliveWhenNoSteps: false;
    readonly Ec2SubnetId?: string;
  };
  readonly Steps: readonly EmrStepConfig[];
  readonly ServiceRole: string;
  readonly JobFlowRole: string;
  readonly VisibleToAllUsers: true;
  readonly Tags: readonly { readonly Key: string; readonly Value: string }[];
}

const GLUE_METASTORE_FACTORY = 'com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory';

export function runJobFlowRequest(cluster: TransientClusterSpec, steps: readonly EmrStepConfig[]): RunJobFlowRequest {
  return {
    Name: cluster.name,
    ReleaseLabel: cluster.releaseLabel,
    LogUri: cluster.logUri,
    Applications: [{ Name: 'Spark' }],
    // The Glue Data Catalog as Spark's Hive metastore.
    Configurations: [{ Classification: 'spark-hive-site', Properties: { 'hive.metastore.client.factory.class': GLUE_METASTORE_FACTORY } }],
    Instances: {
      MasterInstanceType: cluster.instanceType,
      SlaveInstanceType: cluster.instanceType,
      InstanceCount: cluster.instanceCount,
      // The cluster ends when its steps end.
      KeepJobFlowAliveWhenNoSteps: false,
      ...(cluster.subnetId ? { Ec2SubnetId: cluster.subnetId } : {}),
    },
    Steps: steps,
    ServiceRole: cluster.serviceRole,
    JobFlowRole: cluster.jobFlowRole,
    VisibleToAllUsers: true,
    Tags: Object.keys(cluster.tags ?? {})
      .sort()
      .map((k) => ({ Key: k, Value: cluster.tags![k] })),
  };
}
