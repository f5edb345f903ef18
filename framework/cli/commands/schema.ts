/**
 * `etl schema diff|check|history|rollback|prune`: schema versioning of output tables, on the
 * local catalog by default and on an environment's Glue catalog with --env.
 */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import pc from 'picocolors';
import { findProject, jobNames, type Project } from '../../run/project.ts';
import { localTableDefinition, prepareJob } from '../../run/run-job.ts';
import { parseAssignments } from '../../run/params.ts';
import { compileJob } from '../../compile/compile-job.ts';
import { databaseName, loadEnvironment, type Environment } from '../../config/config.ts';
import { LocalMetastore } from '../../catalog/local.ts';
import type { Metastore, SchemaVersion, StoredTable } from '../../catalog/metastore.ts';
import { planTableChange, pruneOptionsValid, rollbackTable, storedMode, type TableChangePlan } from '../../catalog/versioning.ts';
import { allowedBy, describeChange, verdict } from '../../schema/evolution/compatibility.ts';
import { diffSchemas, type SchemaChange } from '../../schema/evolution/diff.ts';
import { hiveType } from '../../schema/hive.ts';
import { EtlError, UsageError, didYouMean, type Phase } from '../../errors/index.ts';
import { printJson, table } from '../output.ts';

interface CatalogArgs {
  env?: string;
  json: boolean;
}

interface JobSelectionArgs extends CatalogArgs {
  jobs: string[];
  all: boolean;
  param: string[];
}

function catalogOptions<T>(y: Argv<T>) {
  return y
    .option('env', { type: 'string', describe: "An environment from etl.config.ts: act on its Glue catalog (default: the project's local catalog in .etl/)" })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON' });
}

function jobSelection<T>(y: Argv<T>) {
  return catalogOptions(y)
    .positional('jobs', { type: 'string', array: true, default: [] as string[], describe: 'Jobs whose output tables to compare (see etl list)' })
    .option('all', { type: 'boolean', default: false, describe: 'Every job in jobs/' })
    .option('param', { alias: 'p', type: 'string', array: true, default: [] as string[], describe: 'Job parameter name=value, for jobs whose table location depends on one' });
}

/** Where a command reads and writes table schemas: the local catalog, or an environment's Glue catalog. */
interface CatalogTarget {
  readonly metastore: Metastore;
  readonly env?: Environment;
  readonly label: string;
}

async function catalogTarget(project: Project, envName: string | undefined): Promise<CatalogTarget> {
  if (!envName) return { metastore: new LocalMetastore(path.join(project.stateDir, 'catalog')), label: 'local catalog' };
  const env = await loadEnvironment(project.root, envName);
  // Loaded on demand: only commands that talk to AWS pay for the SDK.
  const { glueMetastoreFor } = await import('../../../deploy/glue/for-environment.ts');
  return { metastore: glueMetastoreFor(env), env, label: `Glue catalog of ${env.name} (${env.region})` };
}

/** Refuses a table the catalog does not have, suggesting the closest names it does have. */
async function requireTable(target: CatalogTarget, database: string, name: string): Promise<StoredTable> {
  const stored = await target.metastore.getTable(database, name);
  if (stored) return stored;
  const candidates = [];
  for (const db of await target.metastore.listDatabases()) for (const t of await target.metastore.listTables(db)) candidates.push(`${db}.${t}`);
  throw new UsageError(
    `table ${database}.${name} is not in the ${target.label}`,
    didYouMean(`${database}.${name}`, candidates) ?? (target.env ? 'deploy its job first (etl deploy <job> --env ...)' : 'run the job that writes it first (etl run <job>)'),
  );
}

/** `db.table` as given, with the database mapped by the environment (`analytics` -> `analytics_dev`). */
function tableRef(ref: string, env: Environment | undefined): { database: string; table: string } {
  const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(ref);
  if (!m) throw new UsageError(`'${ref}' is not a table name`, 'name it as database.table, e.g. analytics.events');
  return { database: env ? databaseName(env, m[1]) : m[1], table: m[2] };
}

async function plansFor(argv: JobSelectionArgs): Promise<{ target: CatalogTarget; plans: TableChangePlan[] }> {
  const project = findProject();
  const names = argv.all ? jobNames(project) : argv.jobs;
  if (!names.length) throw new UsageError('name the jobs whose tables to compare, or pass --all', `jobs: ${jobNames(project).join(', ')}`);
  const target = await catalogTarget(project, argv.env);
  const params = parseAssignments(argv.param, '--param', 'dt=2026-11-01');
  const plans: TableChangePlan[] = [];
  for (const name of names) {
    const prepared = await prepareJob(project, name, { params, resolveInputs: false });
    const def = target.env
      ? compileJob(prepared, target.env).glue.table
      : localTableDefinition(prepared, path.join(project.defaultWarehouse, prepared.output.database, prepared.output.table));
    plans.push(await planTableChange(target.metastore, def, prepared.loaded.job.output.compatibility));
  }
  return { target, plans };
}

function changeJson(plan: TableChangePlan, change: SchemaChange) {
  const v = verdict(change);
  return {
    kind: change.kind,
    ...('path' in change ? { column: change.path } : {}),
    description: describeChange(change),
    allowed: allowedBy(plan.mode, change),
    ...(v.why && !allowedBy(plan.mode, change) ? { why: v.why } : {}),
    ...(v.caveat ? { caveat: v.caveat } : {}),
  };
}

function planJson(plan: TableChangePlan) {
  return {
    table: plan.table,
    mode: plan.mode,
    action: plan.action,
    currentVersion: plan.currentVersion ?? null,
    changes: plan.changes.map((c) => changeJson(plan, c)),
    violations: plan.violations.map((v) => ({ description: describeChange(v.change), againstVersion: v.againstVersion, why: v.why })),
    stalePartitions: plan.stalePartitions.length,
  };
}

function planText(plan: TableChangePlan): string {
  const head = `${pc.bold(plan.table)} ${pc.dim(`(${plan.mode}${plan.currentVersion !== undefined ? `, current version ${plan.currentVersion}` : ''})`)}`;
  if (plan.action === 'create') return `${head}\n  ${pc.green('new table')}: not in the catalog yet; the first run or deploy registers it as version 1`;
  const lines = [head];
  if (!plan.changes.length) lines.push(`  ${pc.dim('no schema changes')}`);
  for (const change of plan.changes) {
    const violation = plan.violations.find((v) => v.change === change);
    const sign = change.kind === 'column-added' ? '+' : change.kind === 'column-removed' ? '-' : '~';
    const text = `  ${sign} ${describeChange(change)}`;
    if (violation) lines.push(`${pc.red(text)}  ${pc.red(`breaks ${plan.mode}`)}\n      ${pc.dim(violation.why)}`);
    else lines.push(`${sign === '-' ? pc.red(text) : sign === '+' ? pc.green(text) : pc.yellow(text)}  ${pc.dim('compatible')}`);
    const caveat = verdict(change).caveat;
    if (caveat && !violation) lines.push(`      ${pc.yellow('note:')} ${caveat}`);
  }
  // Violations against earlier versions (the _ALL modes) that the latest diff does not show.
  for (const v of plan.violations.filter((v) => !plan.changes.includes(v.change))) {
    lines.push(`${pc.red(`  ! ${describeChange(v.change)} (against version ${v.againstVersion})`)}  ${pc.red(`breaks ${plan.mode}`)}\n      ${pc.dim(v.why)}`);
  }
  if (plan.stalePartitions.length && !plan.violations.length) lines.push(`  ${plan.stalePartitions.length} partition(s) registered with an older schema; they are updated with the table`);
  return lines.join('\n');
}

export class SchemaCheckFailedError extends EtlError {
  override readonly name: string = 'SchemaCheckFailedError';
  readonly phase: Phase = 'catalog';
  constructor(failing: readonly TableChangePlan[]) {
    super(
      `${failing.length} table${failing.length === 1 ? ' has a schema change' : 's have schema changes'} that break${failing.length === 1 ? 's' : ''} the compatibility mode:\n` +
        failing
          .flatMap((p) => p.violations.map((v) => `  - ${p.table}: ${describeChange(v.change)}${v.againstVersion !== p.currentVersion ? ` (against version ${v.againstVersion})` : ''} breaks ${p.mode}: ${v.why}`))
          .join('\n'),
      "make the change compatible (add a nullable column instead of renaming; keep the old column until its readers move), or set compatibility: 'NONE' on the job's output table for this one change if every reader can take it",
    );
  }
}

const diffCommand: CommandModule<object, JobSelectionArgs> = {
  command: 'diff [jobs..]',
  describe: "Compare jobs' declared output schemas with the catalog, classifying each change",
  builder: (y) => jobSelection(y).example('$0 schema diff --all', 'Every job against the local catalog').example('$0 schema diff events_clean --env prod', 'Against the Glue catalog of prod') as never,
  handler: async (argv) => {
    const { target, plans } = await plansFor(argv);
    if (argv.json) return printJson({ catalog: target.label, tables: plans.map(planJson) });
    process.stdout.write(`${pc.dim(`against the ${target.label}`)}\n\n${plans.map(planText).join('\n\n')}\n`);
  },
};

const checkCommand: CommandModule<object, JobSelectionArgs> = {
  command: 'check [jobs..]',
  describe: "Fail (exit 1) when a job's output schema breaks its table's compatibility mode; for CI",
  builder: (y) => jobSelection(y).example('$0 schema check --all', 'In CI: refuse breaking schema changes before they ship') as never,
  handler: async (argv) => {
    const { target, plans } = await plansFor(argv);
    const failing = plans.filter((p) => p.violations.length);
    if (argv.json) {
      printJson({ catalog: target.label, ok: !failing.length, tables: plans.map(planJson) });
      if (failing.length) process.exitCode = 1;
      return;
    }
    if (failing.length) throw new SchemaCheckFailedError(failing);
    const changed = plans.filter((p) => p.changes.length).length;
    process.stdout.write(`${pc.green('ok')}: ${plans.length} table(s) checked against the ${target.label}; ${changed} with compatible changes, none breaking\n`);
  },
};

function columnsJson(columns: SchemaVersion['columns']) {
  return columns.map((c) => ({ name: c.name, type: hiveType(c.type), ...(c.nullable ? {} : { nullable: false }) }));
}

const historyCommand: CommandModule<object, CatalogArgs & { table: string }> = {
  command: 'history <table>',
  describe: "A table's schema versions, oldest first, with what changed in each",
  builder: (y) => catalogOptions(y).positional('table', { type: 'string', demandOption: true, describe: 'database.table' }).example('$0 schema history analytics.events --json', '') as never,
  handler: async (argv) => {
    const project = findProject();
    const target = await catalogTarget(project, argv.env);
    const { database, table: name } = tableRef(argv.table, target.env);
    const stored = await requireTable(target, database, name);
    const versions = await target.metastore.getSchemaVersions(database, name);
    if (argv.json) {
      return printJson({
        table: `${database}.${name}`,
        versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, columns: columnsJson(v.columns), partitionKeys: columnsJson(v.partitionKeys) })),
      });
    }
    const rows = versions.map((v, i) => {
      const changes = i === 0 ? ['created'] : diffSchemas(versions[i - 1], v).map(describeChange);
      return [String(v.version) + (i === versions.length - 1 ? pc.green(' (current)') : ''), v.createdAt.replace('T', ' ').slice(0, 19), String(v.columns.length), changes.join('\n')];
    });
    process.stdout.write(`${pc.bold(`${database}.${name}`)} ${pc.dim(`(${storedMode(stored)}, ${target.label})`)}\n${table(['version', 'created (UTC)', 'columns', 'changes'], rows)}\n`);
  },
};

const rollbackCommand: CommandModule<object, CatalogArgs & { table: string; to: number }> = {
  command: 'rollback <table>',
  describe: "Make an earlier version's schema current again, as a new version (after checking that data written since still reads)",
  builder: (y) =>
    catalogOptions(y)
      .positional('table', { type: 'string', demandOption: true, describe: 'database.table' })
      .option('to', { type: 'number', demandOption: true, describe: 'The version to restore (see etl schema history)' })
      .example('$0 schema rollback analytics.events --to 1', '') as never,
  handler: async (argv) => {
    const project = findProject();
    const target = await catalogTarget(project, argv.env);
    const { database, table: name } = tableRef(argv.table, target.env);
    await requireTable(target, database, name);
    const result = await rollbackTable(target.metastore, database, name, argv.to);
    if (argv.json) return printJson({ ...result, changes: result.changes.map(describeChange) });
    process.stdout.write(
      `${pc.green('rolled back')} ${result.table}: the schema of version ${result.to} is current again, as version ${result.version} (was ${result.from})\n` +
        result.changes.map((c) => `  ${describeChange(c)}\n`).join(''),
    );
  },
};

const pruneCommand: CommandModule<object, CatalogArgs & { table: string; keep: number }> = {
  command: 'prune <table>',
  describe: 'Delete old schema versions, keeping the newest N (never the current one)',
  builder: (y) =>
    catalogOptions(y)
      .positional('table', { type: 'string', demandOption: true, describe: 'database.table' })
      .option('keep', { type: 'number', demandOption: true, describe: 'How many of the newest versions to keep (at least 1)' })
      .example('$0 schema prune analytics.events --keep 20 --env prod', 'Glue keeps at most 100,000 versions per table') as never,
  handler: async (argv) => {
    pruneOptionsValid(argv.keep);
    const project = findProject();
    const target = await catalogTarget(project, argv.env);
    const { database, table: name } = tableRef(argv.table, target.env);
    await requireTable(target, database, name);
    const deleted = await target.metastore.pruneSchemaVersions(database, name, argv.keep);
    if (argv.json) return printJson({ table: `${database}.${name}`, deleted });
    process.stdout.write(deleted.length ? `deleted ${deleted.length} version(s) of ${database}.${name}: ${deleted.join(', ')}\n` : `nothing to prune: ${database}.${name} has at most ${argv.keep} version(s)\n`);
  },
};

export const schemaCommand: CommandModule = {
  command: 'schema <command>',
  describe: 'Schema versioning of output tables: diff, check, history, rollback, prune',
  builder: (y) =>
    y
      .command(diffCommand)
      .command(checkCommand)
      .command(historyCommand)
      .command(rollbackCommand)
      .command(pruneCommand)
      .demandCommand(1, 'Name a subcommand: diff, check, history, rollback or prune') as never,
  handler: () => {},
};
