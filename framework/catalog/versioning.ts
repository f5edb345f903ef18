/**
 * The schema-versioning gate between a job's declared output and the metastore, the same for
 * the local catalog and Glue: classify the change against the current version, refuse what the
 * table's compatibility mode forbids, record what it allows as a new version, and bring
 * existing partitions' schemas in line so Athena does not fail with HIVE_PARTITION_SCHEMA_MISMATCH.
 */
import { sameType } from '../schema/types.ts';
import { diffSchemas, type SchemaChange, type SchemaShape } from '../schema/evolution/diff.ts';
import {
  checkCompatibility,
  describeChange,
  unreadableAfterRollback,
  verdict,
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  type CompatibilityViolation,
} from '../schema/evolution/compatibility.ts';
import { CatalogError, EtlError, UsageError, type Phase } from '../errors/index.ts';
import {
  VersionConflictError,
  qualifiedName,
  type CatalogColumn,
  type Metastore,
  type PartitionDefinition,
  type StoredTable,
  type TableDefinition,
} from './metastore.ts';

export interface TableChangePlan {
  /** `database.table` */
  readonly table: string;
  readonly mode: CompatibilityMode;
  /** `create`: not in the catalog yet; `unchanged`: nothing to write. */
  readonly action: 'create' | 'update' | 'unchanged';
  /** The current schema version, if the table exists. */
  readonly currentVersion?: number;
  readonly changes: readonly SchemaChange[];
  readonly violations: readonly CompatibilityViolation[];
  /** Readers that handle an allowed change less well than the rules assume. */
  readonly caveats: readonly string[];
  /** Partitions whose stored columns differ from the new schema (updated on apply). */
  readonly stalePartitions: readonly PartitionDefinition[];
  /** The stored table this plan was made from (its versionId guards the update). */
  readonly stored?: StoredTable;
}

export interface TableChangeResult extends TableChangePlan {
  /** The schema version current after the change. */
  readonly version: number;
  /** How many times the update was retried after a concurrent change. */
  readonly retries: number;
}

export class SchemaCompatibilityError extends EtlError {
  override readonly name: string = 'SchemaCompatibilityError';
  readonly phase: Phase = 'catalog';
  constructor(readonly plan: TableChangePlan) {
    super(
      `the new schema of ${plan.table} breaks its compatibility mode ${plan.mode}:\n` +
        plan.violations.map((v) => `  - ${describeChange(v.change)}${v.againstVersion !== plan.currentVersion ? ` (against version ${v.againstVersion})` : ''}: ${v.why}`).join('\n'),
      `keep the change compatible (see README.md, "Schema versioning"), or, if every reader of ${plan.table} can take it, set compatibility: 'NONE' on the job's output for this change and back afterwards`,
    );
  }
}

/** The mode a table was registered with, for commands that act on a table without its job. */
export function storedMode(table: Pick<TableDefinition, 'parameters'> | undefined): CompatibilityMode {
  const mode = table?.parameters['etl.compatibility'];
  return (COMPATIBILITY_MODES as readonly string[]).includes(mode ?? '') ? (mode as CompatibilityMode) : 'BACKWARD';
}

export async function planTableChange(metastore: Metastore, def: TableDefinition, mode: CompatibilityMode): Promise<TableChangePlan> {
  const table = qualifiedName(def.database, def.name);
  const stored = await metastore.getTable(def.database, def.name);
  if (!stored) return { table, mode, action: 'create', changes: [], violations: [], caveats: [], stalePartitions: [] };
  const history = await metastore.getSchemaVersions(def.database, def.name);
  const proposed: SchemaShape = { columns: def.columns, partitionKeys: def.partitionKeys };
  const { changes, violations } = checkCompatibility(history.length ? history : [{ version: 0, ...shapeOf(stored) }], proposed, mode);
  const stalePartitions = def.partitionKeys.length ? (await metastore.getPartitions(def.database, def.name)).filter((p) => p.columns && !sameColumns(p.columns, def.columns)) : [];
  const caveats = [...new Set(changes.map((c) => verdict(c).caveat).filter((c): c is string => !!c))];
  const action = changes.length || stalePartitions.length || !sameMetadata(stored, def) ? 'update' : 'unchanged';
  return { table, mode, action, currentVersion: history[history.length - 1]?.version, changes, violations, caveats, stalePartitions, stored };
}

/**
 * Applies a table definition through the gate. A concurrent change (another process, another
 * deploy) makes the update fail on its version; the table is then read again and the change
 * checked again against what is there now, up to `maxAttempts` times.
 */
export async function applyTableChange(
  metastore: Metastore,
  def: TableDefinition,
  mode: CompatibilityMode,
  options: { maxAttempts?: number; onRetry?: (attempt: number) => void } = {},
): Promise<TableChangeResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const plan = await planTableChange(metastore, def, mode);
    if (plan.violations.length) throw new SchemaCompatibilityError(plan);
    try {
      if (plan.action !== 'unchanged') {
        await metastore.putTable(def, { expectedVersionId: plan.stored?.versionId ?? 0 });
        await alignPartitions(metastore, def, plan.stalePartitions);
      }
    } catch (e) {
      if (e instanceof VersionConflictError && attempt < maxAttempts) {
        options.onRetry?.(attempt);
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt * Math.random()));
        continue;
      }
      if (e instanceof VersionConflictError) {
        throw new CatalogError(`${plan.table} kept changing while it was being updated (${maxAttempts} attempts)`, 'another process is updating the table in a loop; find it (etl schema history) and rerun when it is done');
      }
      throw e;
    }
    const versions = await metastore.getSchemaVersions(def.database, def.name);
    return { ...plan, version: versions[versions.length - 1]?.version ?? 1, retries: attempt - 1 };
  }
}

/** Gives partitions whose stored columns differ from the table's the table's columns. */
export async function alignPartitions(metastore: Metastore, def: TableDefinition, stale?: readonly PartitionDefinition[]): Promise<number> {
  const partitions = stale ?? (await metastore.getPartitions(def.database, def.name)).filter((p) => p.columns && !sameColumns(p.columns, def.columns));
  if (partitions.length) await metastore.upsertPartitions(def.database, def.name, partitions.map((p) => ({ ...p, columns: def.columns })));
  return partitions.length;
}

export interface RollbackResult {
  readonly table: string;
  readonly from: number;
  readonly to: number;
  /** The new version that holds the restored schema. */
  readonly version: number;
  readonly changes: readonly SchemaChange[];
}

/**
 * Makes an earlier version's schema current again, as a new version (history is never
 * rewritten), after checking that every file written since still reads with it.
 */
export async function rollbackTable(metastore: Metastore, database: string, name: string, toVersion: number): Promise<RollbackResult> {
  const table = qualifiedName(database, name);
  const stored = await metastore.getTable(database, name);
  if (!stored) throw new CatalogError(`table ${table} is not in the catalog`, 'check the name with etl schema history, or pass --env for a Glue catalog');
  const versions = await metastore.getSchemaVersions(database, name);
  const current = versions[versions.length - 1];
  const target = versions.find((v) => v.version === toVersion);
  if (!target) throw new CatalogError(`${table} has no version ${toVersion}`, `its versions: ${versions.map((v) => v.version).join(', ')} (etl schema history ${table})`);
  if (target === current) throw new CatalogError(`version ${toVersion} is already the current schema of ${table}`, 'nothing to roll back');
  const since = versions.slice(versions.indexOf(target) + 1);
  const unreadable = unreadableAfterRollback(target, since);
  if (unreadable.length) {
    throw new CatalogError(
      `rolling ${table} back to version ${toVersion} would leave data written since unreadable:\n` +
        unreadable.map((v) => `  - version ${v.againstVersion}: ${describeChange(v.change)}: ${v.why}`).join('\n'),
      'rewrite the partitions written since with the older schema first (rerun the job for them), or roll back to a later version',
    );
  }
  const def: TableDefinition = { ...definitionOf(stored), columns: target.columns, partitionKeys: target.partitionKeys };
  await metastore.putTable(def, { expectedVersionId: stored.versionId });
  await alignPartitions(metastore, def);
  const after = await metastore.getSchemaVersions(database, name);
  return { table, from: current!.version, to: toVersion, version: after[after.length - 1]!.version, changes: diffSchemas(current!, target) };
}

export function pruneOptionsValid(keep: number): void {
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep ${keep}: keep at least the current version`, 'pass --keep 1 or more');
}

export function definitionOf(stored: StoredTable): TableDefinition {
  const { versionId: _v, createdAt: _c, updatedAt: _u, ...def } = stored;
  return def;
}

function shapeOf(t: { columns: readonly CatalogColumn[]; partitionKeys: readonly CatalogColumn[] }): SchemaShape {
  return { columns: t.columns, partitionKeys: t.partitionKeys };
}

export function sameColumns(a: readonly CatalogColumn[], b: readonly CatalogColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && sameType(c.type, b[i].type) && c.nullable === b[i].nullable && (c.comment ?? '') === (b[i].comment ?? ''));
}

function sameMetadata(stored: StoredTable, def: TableDefinition): boolean {
  const params = (p: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : 1)));
  return stored.location === def.location && (stored.description ?? '') === (def.description ?? '') && params(stored.parameters) === params(def.parameters);
}

