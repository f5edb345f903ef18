/**
 * `etl deploy`: a compiled job into an environment. The table goes through the schema gate
 * first, so a breaking change stops the deploy before anything is uploaded; then the
 * content-addressed artifacts; then the Glue table. Deploying an unchanged job changes nothing.
 */
import type { CompiledJob } from '../framework/compile/compile-job.ts';
import type { Metastore } from '../framework/catalog/metastore.ts';
import { applyTableChange, planTableChange, SchemaCompatibilityError, storedMode, type TableChangePlan } from '../framework/catalog/versioning.ts';
import { CatalogError } from '../framework/errors/index.ts';
import type { AwsClients } from './aws/clients.ts';
import { artifactUploads, uploadArtifacts } from './s3/artifacts.ts';
import type { RunTarget } from './targets/target.ts';

export interface JobDeployReport {
  readonly job: string;
  readonly planHash: string;
  readonly dryRun: boolean;
  /** URIs uploaded (or, in a dry run, that would be). Empty when the plan's artifacts were already there. */
  readonly uploaded: readonly string[];
  readonly table: TableChangePlan & { readonly version?: number };
  /** What the run target needed (a Glue job created or updated, its script uploaded). */
  readonly target: readonly string[];
  /** Whether the deploy changed (or would change) anything at all. */
  readonly changed: boolean;
}

/**
 * What deploying the job would do to its Glue table, and the compatibility rules it would break
 * (`violations`), changing nothing: `etl deploy --atomic` asks every job before deploying any.
 */
export async function schemaGate(compiled: CompiledJob, metastore: Metastore): Promise<TableChangePlan> {
  const def = compiled.glue.table;
  if (!(await metastore.listDatabases()).includes(def.database)) {
    throw new CatalogError(`the Glue database ${def.database} does not exist in ${compiled.env}`, `run etl bootstrap --env ${compiled.env} to create it`);
  }
  return planTableChange(metastore, def, storedMode(def));
}

export async function deployJob(
  compiled: CompiledJob,
  clients: AwsClients,
  metastore: Metastore,
  driverSource: string,
  options: { dryRun?: boolean; target?: RunTarget } = {},
): Promise<JobDeployReport> {
  const plan = await schemaGate(compiled, metastore);
  if (plan.violations.length) throw new SchemaCompatibilityError(plan);
  const { uploaded } = await uploadArtifacts(clients.s3, artifactUploads(compiled, driverSource), { dryRun: options.dryRun ?? false });
  const target = options.target ? await options.target.prepare(compiled, { dryRun: options.dryRun ?? false }) : [];
  const base = { job: compiled.job, planHash: compiled.planHash, uploaded, target };
  if (options.dryRun || plan.action === 'unchanged') {
    return { ...base, dryRun: options.dryRun ?? false, table: plan, changed: uploaded.length > 0 || target.length > 0 || plan.action !== 'unchanged' };
  }
  const def = compiled.glue.table;
  const applied = await applyTableChange(metastore, def, storedMode(def));
  return { ...base, dryRun: false, table: applied, changed: true };
}
