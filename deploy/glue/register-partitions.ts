/**
 * Registers the partitions a cluster run wrote, from the driver's summary: no MSCK REPAIR, no
 * crawler. Locations follow Hive's escaping, as Spark wrote the folders.
 */
import type { CompiledJob } from '../../framework/compile/compile-job.ts';
import type { Metastore, PartitionDefinition } from '../../framework/catalog/metastore.ts';
import { parsePartitionPath, partitionPath } from '../../framework/io/hive.ts';
import type { DriverSummary } from '../emr/wait.ts';

export async function registerPartitions(metastore: Metastore, compiled: CompiledJob, summary: DriverSummary): Promise<PartitionDefinition[]> {
  const def = compiled.glue.table;
  const output = summary.output;
  if (!output || !def.partitionKeys.length) return [];
  const base = output.location.replace(/\/?$/, '/');
  const partitions = output.partitions.map((p): PartitionDefinition => {
    const keys = def.partitionKeys.map((k) => ({ name: k.name, value: p[k.name] === null || p[k.name] === undefined ? null : String(p[k.name]) }));
    return { values: keys.map((k) => k.value), location: `${base}${partitionPath(keys)}/`, columns: def.columns };
  });
  // A sliced run replaced its slice only: it drops the slice's partitions it removed, never the others.
  if (output.mode === 'overwrite' && !summary.slice) await metastore.replacePartitions(def.database, def.name, partitions);
  else await metastore.upsertPartitions(def.database, def.name, partitions);
  const removed = (output.partitionsRemoved ?? []).map((rel) => {
    const values = new Map(parsePartitionPath(rel).map((p) => [p.name, p.value]));
    return def.partitionKeys.map((k) => values.get(k.name) ?? null);
  });
  await metastore.dropPartitions(def.database, def.name, removed);
  return partitions;
}
