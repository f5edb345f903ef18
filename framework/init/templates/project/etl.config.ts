/**
 * Where the jobs run: one entry per environment (`etl run --env local`, `etl deploy --env dev`).
 * See the lakeform README, "Environments", for every setting.
 */
import { defineConfig } from 'lakeform';

export default defineConfig({
  defaultEnvironment: 'dev',
  environments: {
    // Production rehearsed on this machine: s3://my-raw-local/... is served from local folders.
    local: {
      kind: 'local',
      variables: { bucket: 'my-raw-local' },
      mounts: { 's3://my-raw-local/raw/events/': 'sample/events/' },
    },
    // TODO: your AWS account: the bucket for tables and artifacts, and where the raw data lands.
    dev: {
      region: 'eu-west-1',
      bucket: 'my-lake-dev',
      databases: { analytics: 'analytics_dev' },
      variables: { bucket: 'my-raw-dev' },
      // Each submit starts a transient EMR cluster; set emr: { clusterId: 'j-...' } to use a running one.
      emr: { transient: { releaseLabel: 'emr-7.5.0', instanceType: 'm5.xlarge', instanceCount: 2 } },
    },
  },
});
