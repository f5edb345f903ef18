/**
 * Where the example jobs run: one entry per environment (`etl plan --env prod`). Each names
 * the S3 bucket for tables and artifacts, how logical database names map, and the EMR target.
 * `local` rehearses production on this machine: the jobs read their real S3 paths, served from
 * folders (`s3://<bucket>/<key>` is `.lake/local/<bucket>/<key>`, the raw data is the sample).
 */
import { defineConfig } from 'lakeform';

export default defineConfig({
  defaultEnvironment: 'dev',
  environments: {
    local: {
      kind: 'local',
      variables: { bucket: 'acme-raw-local' },
      mounts: {
        's3://acme-raw-local/raw/events/': 'sample/events/',
        's3://acme-raw-local/dim/users/': 'sample/users/',
      },
    },
    dev: {
      region: 'eu-west-1',
      bucket: 'acme-lake-dev',
      databases: { analytics: 'analytics_dev' },
      variables: { bucket: 'acme-raw-dev' },
      emr: {
        // No long-running cluster in dev: each submit starts a transient one.
        transient: { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 2, logUri: 's3://acme-lake-dev/emr-logs/' },
      },
      sparkConf: { 'spark.sql.shuffle.partitions': '32' },
      pipelines: { stateMachineRoleArn: 'arn:aws:iam::123456789012:role/lakeform-pipelines-dev', schedulerRoleArn: 'arn:aws:iam::123456789012:role/lakeform-scheduler-dev' },
    },
    // The same lake, its jobs run as AWS Glue jobs (Glue 5.0: Spark 3.5, Python 3.11).
    'glue-dev': {
      region: 'eu-west-1',
      bucket: 'acme-lake-dev',
      databases: { analytics: 'analytics_dev' },
      variables: { bucket: 'acme-raw-dev' },
      target: 'glue',
      glue: { role: 'arn:aws:iam::123456789012:role/lakeform-glue-dev', workerType: 'G.1X', numberOfWorkers: 2, timeoutMinutes: 60 },
      sparkConf: { 'spark.sql.shuffle.partitions': '32' },
      pipelines: { stateMachineRoleArn: 'arn:aws:iam::123456789012:role/lakeform-pipelines-dev', schedulerRoleArn: 'arn:aws:iam::123456789012:role/lakeform-scheduler-dev' },
    },
    // ... and on EMR Serverless (etl bootstrap creates the application).
    'serverless-dev': {
      region: 'eu-west-1',
      bucket: 'acme-lake-dev',
      databases: { analytics: 'analytics_dev' },
      variables: { bucket: 'acme-raw-dev' },
      target: 'emrServerless',
      emrServerless: { executionRoleArn: 'arn:aws:iam::123456789012:role/lakeform-serverless-dev', application: { name: 'lakeform-dev', releaseLabel: 'emr-7.5.0' } },
      sparkConf: { 'spark.sql.shuffle.partitions': '32' },
      pipelines: { stateMachineRoleArn: 'arn:aws:iam::123456789012:role/lakeform-pipelines-dev', schedulerRoleArn: 'arn:aws:iam::123456789012:role/lakeform-scheduler-dev' },
    },
    prod: {
      region: 'eu-west-1',
      bucket: 'acme-lake-prod',
      variables: { bucket: 'acme-raw-prod' },
      emr: { clusterId: 'j-1K48XXXXXXHCB' },
      actionOnFailure: 'CONTINUE',
      sparkConf: { 'spark.sql.shuffle.partitions': '200' },
    },
  },
});
