/**
 * What changed between two versions of a table's schema, as typed change records. Columns are
 * matched by name (Parquet is read by name, as Athena and Spark read it), recursively into
 * struct fields, array elements and map values. A column removed and another added with the
 * same type at the same position is reported as one rename, so the message can say so.
 */
import { sameType, typeToString, type DataType } from '../types.ts';

/** A column as schema versions record it (the catalog's columns have this shape). */
export interface ColumnShape {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface SchemaShape {
  readonly columns: readonly ColumnShape[];
  readonly partitionKeys: readonly ColumnShape[];
}

/**
 * `path` names the column, or a nested field as `col.field`, `col[]` (array element) or
 * `col{}` (map value).
 */
export type SchemaChange =
  | { readonly kind: 'column-added'; readonly path: string; readonly type: DataType; readonly nullable: boolean }
  | { readonly kind: 'column-removed'; readonly path: string; readonly type: DataType; readonly nullable: boolean }
  | { readonly kind: 'column-renamed'; readonly path: string; readonly to: string; readonly type: DataType; readonly fromNullable: boolean; readonly toNullable: boolean }
  | { readonly kind: 'type-widened'; readonly path: string; readonly from: DataType; readonly to: DataType }
  | { readonly kind: 'type-narrowed'; readonly path: string; readonly from: DataType; readonly to: DataType }
  | { readonly kind: 'type-changed'; readonly path: string; readonly from: DataType; readonly to: DataType }
  | { readonly kind: 'made-nullable'; readonly path: string }
  | { readonly kind: 'made-required'; readonly path: string }
  | { readonly kind: 'comment-changed'; readonly path: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'columns-reordered'; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: 'partition-keys-changed'; readonly from: readonly string[]; readonly to: readonly string[] };

export type SchemaChangeKind = SchemaChange['kind'];

export function diffSchemas(before: SchemaShape, after: SchemaShape): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const keys = (cs: readonly ColumnShape[]) => cs.map((c) => `${c.name} ${typeToString(c.type)}`);
  if (keys(before.partitionKeys).join(',') !== keys(after.partitionKeys).join(',')) {
    changes.push({ kind: 'partition-keys-changed', from: keys(before.partitionKeys), to: keys(after.partitionKeys) });
  }
  diffFields(before.columns, after.columns, '', changes);
  const common = (a: readonly ColumnShape[], b: readonly ColumnShape[]) => a.map((c) => c.name).filter((n) => b.some((c) => c.name === n));
  const orderBefore = common(before.columns, after.columns);
  const orderAfter = common(after.columns, before.columns);
  if (orderBefore.join(',') !== orderAfter.join(',')) changes.push({ kind: 'columns-reordered', from: orderBefore, to: orderAfter });
  return changes;
}

function diffFields(before: readonly ColumnShape[], after: readonly ColumnShape[], prefix: string, out: SchemaChange[]): void {
  const afterByName = new Map(after.map((c) => [c.name, c]));
  const beforeByName = new Map(before.map((c) => [c.name, c]));
  const removed = before.filter((c) => !afterByName.has(c.name));
  const added = after.filter((c) => !beforeByName.has(c.name));
  const renamedTo = new Map<ColumnShape, ColumnShape>();
  for (const r of removed) {
    const position = before.indexOf(r);
    const candidate = added.find((a) => after.indexOf(a) === position && sameType(a.type, r.type) && ![...renamedTo.values()].includes(a));
    if (candidate) renamedTo.set(r, candidate);
  }
  const renamedTargets = new Set(renamedTo.values());

  for (const b of before) {
    const a = afterByName.get(b.name);
    const path = prefix + b.name;
    if (!a) {
      const to = renamedTo.get(b);
      out.push(
        to
          ? { kind: 'column-renamed', path, to: prefix + to.name, type: b.type, fromNullable: b.nullable, toNullable: to.nullable }
          : { kind: 'column-removed', path, type: b.type, nullable: b.nullable },
      );
      continue;
    }
    diffType(b.type, a.type, path, out);
    if (b.nullable !== a.nullable) out.push({ kind: a.nullable ? 'made-nullable' : 'made-required', path });
    if ((b.comment ?? '') !== (a.comment ?? '')) out.push({ kind: 'comment-changed', path, ...(b.comment ? { from: b.comment } : {}), ...(a.comment ? { to: a.comment } : {}) });
  }
  for (const a of added) {
    if (!renamedTargets.has(a)) out.push({ kind: 'column-added', path: prefix + a.name, type: a.type, nullable: a.nullable });
  }
}

function diffType(from: DataType, to: DataType, path: string, out: SchemaChange[]): void {
  if (sameType(from, to)) return;
  if (from.kind === 'struct' && to.kind === 'struct') return diffFields(from.fields, to.fields, `${path}.`, out);
  if (from.kind === 'array' && to.kind === 'array') {
    diffType(from.element, to.element, `${path}[]`, out);
    if (from.containsNull !== to.containsNull) out.push({ kind: to.containsNull ? 'made-nullable' : 'made-required', path: `${path}[]` });
    return;
  }
  if (from.kind === 'map' && to.kind === 'map') {
    if (!sameType(from.key, to.key)) out.push({ kind: 'type-changed', path: `${path}{key}`, from: from.key, to: to.key });
    diffType(from.value, to.value, `${path}{}`, out);
    if (from.valueContainsNull !== to.valueContainsNull) out.push({ kind: to.valueContainsNull ? 'made-nullable' : 'made-required', path: `${path}{}` });
    return;
  }
  if (widens(from, to)) out.push({ kind: 'type-widened', path, from, to });
  else if (widens(to, from)) out.push({ kind: 'type-narrowed', path, from, to });
  else out.push({ kind: 'type-changed', path, from, to });
}

/**
 * Whether Parquet files written with `from` read correctly as `to` in Spark and Athena:
 * int -> bigint, float -> double, and decimals that keep every digit (no fewer integer digits,
 * no smaller scale). Nothing else: int -> double, say, is not a safe reading of the files.
 */
export function widens(from: DataType, to: DataType): boolean {
  if (from.kind === 'int32' && to.kind === 'int64') return true;
  if (from.kind === 'float32' && to.kind === 'float64') return true;
  if (from.kind === 'decimal' && to.kind === 'decimal') {
    return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale && !(to.scale === from.scale && to.precision === from.precision);
  }
  return false;
}
