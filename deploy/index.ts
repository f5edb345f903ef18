/**
 * Everything the CLI needs from AWS, behind one module that it imports on demand, so that
 * commands which never talk to AWS do not load the SDK.
 */
export { awsClients, type AwsClients } from './aws/clients.ts';
export { AwsError, redact } from './aws/errors.ts';
export { GlueMetastore } from './glue/metastore.ts';
export { glueMetastoreFor } from './glue/for-environment.ts';
export { registerPartitions } from './glue/register-partitions.ts';
export { bootstrap, type BootstrapReport } from './bootstrap.ts';
export { deployJob, schemaGate, type JobDeployReport } from './deploy-job.ts';
export { submitToCluster, submitTransient, findStep, findClusters, type SubmittedStep } from './emr/steps.ts';
export { waitForStep, describeFailure, readDriverSummary, stepLogLocation, type StepOutcome, type StepFailure, type DriverSummary } from './emr/wait.ts';
export { recentSteps, type StepReport } from './emr/status.ts';
export { backfillOnTarget, type TargetBackfillContext } from './targets/backfill.ts';
export { targetFor, type RunTarget, type StartedRun, type RunFailure, type TargetKind } from './targets/index.ts';
export { ensureApplication } from './emr-serverless/runs.ts';
export { deployPipeline, findStateMachine, startPipeline, waitForExecution, pipelineExecutions, type PipelineDeployReport, type ExecutionReport } from './pipelines/pipelines.ts';
export { applicationId } from './emr-serverless/runs.ts';
