import { describe, expect, it } from 'vitest';
import { T, type DataType } from '../types.ts';
import { diffSchemas, type ColumnShape, type SchemaChangeKind, type SchemaShape } from './diff.ts';
import { COMPATIBILITY_MODES, checkCompatibility, describeChange, unreadableAfterRollback, type CompatibilityMode, type VersionedSchema } from './compatibility.ts';

const col = (name: string, type: DataType = T.string, nullable = true, comment?: string): ColumnShape => (comment ? { name, type, nullable, comment } : { name, type, nullable });
const shape = (columns: ColumnShape[], partitionKeys: ColumnShape[] = [col('dt', T.date)]): SchemaShape => ({ columns, partitionKeys });
const struct = (...fields: ColumnShape[]): DataType => ({ kind: 'struct', fields });

const base = shape([col('id', T.int64, false), col('name'), col('n', T.int32), col('price', T.decimal(10, 2)), col('geo', struct(col('city'), col('zip', T.string, false)))]);
const withColumns = (f: (cs: ColumnShape[]) => ColumnShape[]) => shape(f([...base.columns]));
const replace = (name: string, c: ColumnShape) => withColumns((cs) => cs.map((x) => (x.name === name ? c : x)));

type Allowed = Record<'NONE' | 'BACKWARD' | 'FORWARD' | 'FULL', boolean>;
const yes = true;
const no = false;

// Every change class and what each mode says of it. The _ALL modes agree with their base mode
// when there is one earlier version (checked below), and differ only across longer histories.
const cases: { name: string; after: SchemaShape; kind: SchemaChangeKind; allowed: Allowed }[] = [
  { name: 'add a nullable column', after: withColumns((cs) => [...cs, col('email')]), kind: 'column-added', allowed: { NONE: yes, BACKWARD: yes, FORWARD: yes, FULL: yes } },
  { name: 'add a required column', after: withColumns((cs) => [...cs, col('email', T.string, false)]), kind: 'column-added', allowed: { NONE: yes, BACKWARD: no, FORWARD: yes, FULL: no } },
  { name: 'remove a nullable column', after: withColumns((cs) => cs.filter((c) => c.name !== 'name')), kind: 'column-removed', allowed: { NONE: yes, BACKWARD: no, FORWARD: yes, FULL: no } },
  { name: 'remove a required column', after: withColumns((cs) => cs.filter((c) => c.name !== 'id')), kind: 'column-removed', allowed: { NONE: yes, BACKWARD: no, FORWARD: no, FULL: no } },
  { name: 'rename a column', after: replace('name', col('full_name')), kind: 'column-renamed', allowed: { NONE: yes, BACKWARD: no, FORWARD: yes, FULL: no } },
  { name: 'widen int to bigint', after: replace('n', col('n', T.int64)), kind: 'type-widened', allowed: { NONE: yes, BACKWARD: yes, FORWARD: no, FULL: no } },
  { name: 'widen a decimal', after: replace('price', col('price', T.decimal(12, 2))), kind: 'type-widened', allowed: { NONE: yes, BACKWARD: yes, FORWARD: no, FULL: no } },
  { name: 'narrow bigint to int', after: replace('id', col('id', T.int32, false)), kind: 'type-narrowed', allowed: { NONE: yes, BACKWARD: no, FORWARD: yes, FULL: no } },
  { name: 'change a type', after: replace('n', col('n', T.string)), kind: 'type-changed', allowed: { NONE: yes, BACKWARD: no, FORWARD: no, FULL: no } },
  { name: 'make a column nullable', after: replace('id', col('id', T.int64, true)), kind: 'made-nullable', allowed: { NONE: yes, BACKWARD: yes, FORWARD: no, FULL: no } },
  { name: 'make a column required', after: replace('name', col('name', T.string, false)), kind: 'made-required', allowed: { NONE: yes, BACKWARD: no, FORWARD: yes, FULL: no } },
  { name: 'change a comment', after: replace('name', col('name', T.string, true, 'the display name')), kind: 'comment-changed', allowed: { NONE: yes, BACKWARD: yes, FORWARD: yes, FULL: yes } },
  { name: 'reorder columns', after: withColumns((cs) => [...cs].reverse()), kind: 'columns-reordered', allowed: { NONE: yes, BACKWARD: yes, FORWARD: yes, FULL: yes } },
  { name: 'add a nullable struct field', after: replace('geo', col('geo', struct(col('city'), col('zip', T.string, false), col('country')))), kind: 'column-added', allowed: { NONE: yes, BACKWARD: yes, FORWARD: yes, FULL: yes } },
  { name: 'remove a required struct field', after: replace('geo', col('geo', struct(col('city')))), kind: 'column-removed', allowed: { NONE: yes, BACKWARD: no, FORWARD: no, FULL: no } },
  { name: 'change a struct field type', after: replace('geo', col('geo', struct(col('city', T.int64), col('zip', T.string, false)))), kind: 'type-changed', allowed: { NONE: yes, BACKWARD: no, FORWARD: no, FULL: no } },
  { name: 'change the partition keys', after: shape([...base.columns], [col('dt', T.date), col('hour', T.int32)]), kind: 'partition-keys-changed', allowed: { NONE: no, BACKWARD: no, FORWARD: no, FULL: no } },
];

describe('schema changes x compatibility modes', () => {
  const history: VersionedSchema[] = [{ version: 1, ...base }];
  for (const c of cases) {
    for (const mode of COMPATIBILITY_MODES) {
      const expected = c.allowed[mode.replace('_ALL', '') as keyof Allowed];
      it(`${c.name}: ${expected ? 'allowed' : 'refused'} by ${mode}`, () => {
        const { changes, violations } = checkCompatibility(history, c.after, mode);
        expect(changes.map((x) => x.kind)).toEqual([c.kind]);
        expect(violations.length === 0).toBe(expected);
        if (!expected) expect(violations[0].why.length).toBeGreaterThan(10);
      });
    }
  }
});

describe('diffSchemas', () => {
  it('names the paths of nested changes', () => {
    const changes = diffSchemas(base, replace('geo', col('geo', struct(col('city', T.int64), col('zip', T.string, false)))));
    expect(changes.map(describeChange)).toEqual(['column geo.city changed type from string to bigint']);
  });

  it('sees a rename only where a column of the same type takes the removed one\'s place', () => {
    expect(diffSchemas(base, replace('name', col('full_name'))).map(describeChange)).toEqual(['column name renamed to full_name (string)']);
    const elsewhere = withColumns((cs) => [...cs.filter((c) => c.name !== 'name'), col('full_name')]);
    expect(diffSchemas(base, elsewhere).map((c) => c.kind).sort()).toEqual(['column-added', 'column-removed']);
  });

  it('follows array elements and map values', () => {
    const before = shape([col('tags', { kind: 'array', element: T.int32, containsNull: true }), col('m', { kind: 'map', key: T.string, value: T.float32, valueContainsNull: true })]);
    const after = shape([col('tags', { kind: 'array', element: T.int64, containsNull: true }), col('m', { kind: 'map', key: T.string, value: T.float64, valueContainsNull: false })]);
    expect(diffSchemas(before, after).map(describeChange)).toEqual([
      'column tags[] widened from int to bigint',
      'column m{} widened from float to double',
      'column m{} made required (not null)',
    ]);
  });

  it('finds nothing between equal schemas', () => {
    expect(diffSchemas(base, shape([...base.columns]))).toEqual([]);
  });
});

describe('the _ALL modes', () => {
  // v1 had `b` as a string; v2 dropped it (accepted under NONE at the time); v3 brings `b` back as a number.
  const v1: VersionedSchema = { version: 1, ...shape([col('a'), col('b')]) };
  const v2: VersionedSchema = { version: 2, ...shape([col('a')]) };
  const v3 = shape([col('a'), col('b', T.int64)]);

  for (const mode of ['BACKWARD', 'FORWARD', 'FULL'] as CompatibilityMode[]) {
    it(`${mode} checks the latest version only; ${mode}_ALL every earlier one`, () => {
      expect(checkCompatibility([v1, v2], v3, mode).violations).toEqual([]);
      const all = checkCompatibility([v1, v2], v3, `${mode}_ALL` as CompatibilityMode).violations;
      expect(all.map((v) => [v.againstVersion, describeChange(v.change)])).toEqual([[1, 'column b changed type from string to bigint']]);
    });
  }
});

describe('rollback check', () => {
  it('refuses a rollback when files written since cannot be read with the older schema', () => {
    const v1: VersionedSchema = { version: 1, ...shape([col('a', T.int32)]) };
    const v2: VersionedSchema = { version: 2, ...shape([col('a', T.int64), col('b')]) };
    expect(unreadableAfterRollback(v1, [v2]).map((v) => describeChange(v.change))).toEqual(['column a narrowed from bigint to int']);
    const v2b: VersionedSchema = { version: 2, ...shape([col('a', T.int32), col('b')]) };
    expect(unreadableAfterRollback(v1, [v2b])).toEqual([]);
  });
});
