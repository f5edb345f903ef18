/**
 * Compatibility modes for a table's schema, named as in the Glue Schema Registry, with rules
 * for Parquet read by name (as Athena and Spark read a lake table):
 *
 * - BACKWARD: the new schema reads every file written with the previous one, and the table's
 *   readers (queries, views, dashboards, downstream jobs) lose no column. The second half is
 *   stricter than Avro's BACKWARD, which lets a field go: in a lake table a removed or renamed
 *   column breaks every query that selects it.
 * - FORWARD: readers still on the previous schema read files written with the new one.
 * - FULL: both. The `_ALL` variants check against every earlier version, not only the latest.
 * - NONE: no check, except that partition keys never change (existing partitions could no
 *   longer be found), in any mode.
 *
 * Each change is judged on two questions, and the modes combine the answers.
 */
import { typeToString } from '../types.ts';
import { diffSchemas, type SchemaChange, type SchemaShape } from './diff.ts';

export const COMPATIBILITY_MODES = ['NONE', 'BACKWARD', 'BACKWARD_ALL', 'FORWARD', 'FORWARD_ALL', 'FULL', 'FULL_ALL'] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export interface ChangeVerdict {
  /** Files written with the old schema read correctly with the new one. */
  readonly newReadsOld: boolean;
  /** Files written with the new schema read correctly with the old one. */
  readonly oldReadsNew: boolean;
  /** No column the table's readers select disappears. */
  readonly keepsColumns: boolean;
  /** Why, when one of the answers is no. */
  readonly why?: string;
  /** A reader that handles the change less well than the rules assume. */
  readonly caveat?: string;
}

/** Measured on Spark 3.5.2: its Parquet readers (vectorized or not) refuse INT32 as bigint and FLOAT as double; decimal promotion came to the vectorized reader in Spark 4.0 (SPARK-40876). */
const SPARK_35_WIDENING =
  'Athena reads the older files as the wider type, but Spark 3.5 (EMR 7.x) fails on them ("Parquet column cannot be converted"); rerun the job for the older partitions before Spark jobs read them';

export function verdict(change: SchemaChange): ChangeVerdict {
  const ok = { newReadsOld: true, oldReadsNew: true, keepsColumns: true };
  switch (change.kind) {
    case 'column-added':
      return change.nullable ? ok : { ...ok, newReadsOld: false, why: 'files already written have no value for a required column; add it as nullable' };
    case 'column-removed':
      return {
        newReadsOld: true,
        oldReadsNew: change.nullable,
        keepsColumns: false,
        why: `queries, views and downstream jobs that select ${change.path} fail${change.nullable ? '' : ', and readers on the old schema find no value for a required column'}`,
      };
    case 'column-renamed':
      return {
        newReadsOld: change.toNullable,
        oldReadsNew: change.fromNullable,
        keepsColumns: false,
        why: `a rename is a removal plus an addition in Parquet (read by name): files already written keep ${change.path}, and queries that select ${change.path} fail; add ${change.to} as a new nullable column and keep ${change.path} until its readers have moved`,
      };
    case 'type-widened':
      return { ...ok, oldReadsNew: false, why: `readers on the old schema expect ${typeToString(change.from)} and find ${typeToString(change.to)}`, caveat: SPARK_35_WIDENING };
    case 'type-narrowed':
      return { ...ok, newReadsOld: false, why: `values already written as ${typeToString(change.from)} do not fit ${typeToString(change.to)}` };
    case 'type-changed':
      return { ...ok, newReadsOld: false, oldReadsNew: false, why: `Parquet files written as ${typeToString(change.from)} cannot be read as ${typeToString(change.to)}` };
    case 'made-nullable':
      return { ...ok, oldReadsNew: false, why: 'readers on the old schema expect a value in every row and may find nulls' };
    case 'made-required':
      return { ...ok, newReadsOld: false, why: 'files already written may hold nulls in it' };
    case 'comment-changed':
    case 'columns-reordered':
      return ok;
    case 'partition-keys-changed':
      return {
        newReadsOld: false,
        oldReadsNew: false,
        keepsColumns: false,
        why: 'existing partitions are laid out by the old keys and could no longer be found; write to a new table instead',
      };
  }
}

/** Whether a change is allowed by a mode (against one earlier version). */
export function allowedBy(mode: CompatibilityMode, change: SchemaChange): boolean {
  if (change.kind === 'partition-keys-changed') return false;
  const v = verdict(change);
  switch (mode) {
    case 'NONE':
      return true;
    case 'BACKWARD':
    case 'BACKWARD_ALL':
      return v.newReadsOld && v.keepsColumns;
    case 'FORWARD':
    case 'FORWARD_ALL':
      return v.oldReadsNew;
    case 'FULL':
    case 'FULL_ALL':
      return v.newReadsOld && v.oldReadsNew && v.keepsColumns;
  }
}

export interface VersionedSchema extends SchemaShape {
  readonly version: number;
}

export interface CompatibilityViolation {
  readonly change: SchemaChange;
  /** The earlier version the change breaks against. */
  readonly againstVersion: number;
  readonly why: string;
}

/**
 * The changes from the latest version to `proposed`, and those the mode refuses. `history`
 * is oldest first; the `_ALL` modes check `proposed` against every version in it.
 */
export function checkCompatibility(
  history: readonly VersionedSchema[],
  proposed: SchemaShape,
  mode: CompatibilityMode,
): { readonly changes: readonly SchemaChange[]; readonly violations: readonly CompatibilityViolation[] } {
  const latest = history[history.length - 1];
  if (!latest) return { changes: [], violations: [] };
  const changes = diffSchemas(latest, proposed);
  const against = mode.endsWith('_ALL') ? history : [latest];
  const violations: CompatibilityViolation[] = [];
  const seen = new Set<string>();
  for (const earlier of [...against].reverse()) {
    for (const change of earlier === latest ? changes : diffSchemas(earlier, proposed)) {
      if (allowedBy(mode, change)) continue;
      const key = describeChange(change);
      if (seen.has(key)) continue;
      seen.add(key);
      violations.push({ change, againstVersion: earlier.version, why: verdict(change).why ?? 'not allowed by the mode' });
    }
  }
  return { changes, violations };
}

/**
 * Whether files written under each of `writtenWith` still read correctly under `target`: the
 * check before a rollback makes an older schema current again.
 */
export function unreadableAfterRollback(target: SchemaShape, writtenWith: readonly VersionedSchema[]): CompatibilityViolation[] {
  const out: CompatibilityViolation[] = [];
  for (const version of writtenWith) {
    for (const change of diffSchemas(version, target)) {
      const v = verdict(change);
      if (change.kind === 'partition-keys-changed' || !v.newReadsOld) out.push({ change, againstVersion: version.version, why: v.why ?? 'files written since cannot be read' });
    }
  }
  return out;
}

/** One line per change, e.g. `column amount: type widened int -> bigint`. */
export function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case 'column-added':
      return `column ${change.path} added (${typeToString(change.type)}, ${change.nullable ? 'nullable' : 'required'})`;
    case 'column-removed':
      return `column ${change.path} removed (${typeToString(change.type)})`;
    case 'column-renamed':
      return `column ${change.path} renamed to ${change.to} (${typeToString(change.type)})`;
    case 'type-widened':
      return `column ${change.path} widened from ${typeToString(change.from)} to ${typeToString(change.to)}`;
    case 'type-narrowed':
      return `column ${change.path} narrowed from ${typeToString(change.from)} to ${typeToString(change.to)}`;
    case 'type-changed':
      return `column ${change.path} changed type from ${typeToString(change.from)} to ${typeToString(change.to)}`;
    case 'made-nullable':
      return `column ${change.path} made nullable`;
    case 'made-required':
      return `column ${change.path} made required (not null)`;
    case 'comment-changed':
      return `column ${change.path} comment changed`;
    case 'columns-reordered':
      return `columns reordered (${change.to.join(', ')})`;
    case 'partition-keys-changed':
      return `partition keys changed from (${change.from.join(', ') || 'none'}) to (${change.to.join(', ') || 'none'})`;
  }
}
