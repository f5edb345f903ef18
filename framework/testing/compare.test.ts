/** compareRows: strict column sets, values compared by their column's type. */
import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import type { DataType, DatasetSchema } from '../schema/types.ts';
import { compareRows, isClean } from './compare.ts';
import { diffLines } from './report.ts';
import { exactDecimal, valuesEqual } from './typed-values.ts';

const schemaOf = (fields: Record<string, DataType>): DatasetSchema => ({ fields: Object.entries(fields).map(([name, type]) => ({ name, type, nullable: true })) });
const unordered = (keyColumns: string[] = ['id']) => ({ ordered: false, keyColumns });
const plain = pc.createColors(false);

describe('compareRows: column sets', () => {
  const schema = schemaOf({ id: { kind: 'int64' }, page_path: { kind: 'string' } });

  it('a column of the expected rows that the job does not produce fails the comparison, named', () => {
    const d = compareRows(schemaOf({ id: { kind: 'int64' } }), [{ id: 1, extra: 'x' }], [{ id: 1n }], unordered());
    expect(isClean(d)).toBe(false);
    expect(d.missingColumns).toEqual([{ column: 'extra', rows: 1 }]);
    expect(d.matched).toBe(1);
  });

  it('after a rename: the old column is missing (renamed to the new one?), the new one unexpected; no row reads as "expected null"', () => {
    const d = compareRows(schema, [{ id: 1, page: '/a' }, { id: 2, page: '/b' }], [{ id: 1n, page_path: '/a' }, { id: 2n, page_path: '/b' }], unordered());
    expect(d.missingColumns).toEqual([{ column: 'page', rows: 2, renamedTo: ['page_path'] }]);
    expect(d.unexpectedColumns).toEqual([{ column: 'page_path', rows: 2 }]);
    expect(d.changed).toEqual([]);
    const text = diffLines(d, '', plain).join('\n');
    expect(text).toContain('- column     page: in 2 expected row(s), not produced by the job (renamed to page_path?)');
    expect(text).toContain('+ column     page_path: produced by the job, absent from 2 expected row(s)');
    expect(text).not.toContain('expected null');
  });

  it('an expected row that leaves out a produced column is reported, even when the value would be null', () => {
    const d = compareRows(schema, [{ id: 1, page_path: null }, { id: 2 }], [{ id: 1n, page_path: null }, { id: 2n, page_path: null }], unordered());
    expect(d.unexpectedColumns).toEqual([{ column: 'page_path', rows: 1 }]);
    expect(isClean(d)).toBe(false);
  });

  it('the same columns and values: clean', () => {
    expect(isClean(compareRows(schema, [{ id: 1, page_path: '/a' }], [{ id: 1n, page_path: '/a' }], unordered()))).toBe(true);
  });
});

describe('compareRows: values by type', () => {
  it('timestamps as instants: fractional zeros and offsets do not matter, a microsecond does', () => {
    const schema = schemaOf({ id: { kind: 'int64' }, ts: { kind: 'timestamp' } });
    const actual = [{ id: 1n, ts: '2026-11-01T00:00:00Z' }, { id: 2n, ts: '2026-11-01T10:00:00.5Z' }];
    expect(isClean(compareRows(schema, [{ id: 1, ts: '2026-11-01T00:00:00.000000Z' }, { id: 2, ts: '2026-11-01T12:00:00.500+02:00' }], actual, unordered()))).toBe(true);
    const d = compareRows(schema, [{ id: 1, ts: '2026-11-01T00:00:00.000001Z' }, { id: 2, ts: '2026-11-01T10:00:00.500000Z' }], actual, unordered());
    expect(d.changed.map((c) => [c.key, c.columns])).toEqual([[{ id: 1 }, ['ts']]]);
  });

  it('a NaN double is NaN: it matches NaN and never null, with or without key columns', () => {
    const schema = schemaOf({ id: { kind: 'int64' }, x: { kind: 'float64' } });
    for (const options of [unordered(), unordered([])]) {
      expect(isClean(compareRows(schema, [{ id: 1, x: Number.NaN }], [{ id: 1n, x: Number.NaN }], options))).toBe(true);
      expect(isClean(compareRows(schema, [{ id: 1, x: Number.NaN }], [{ id: 1n, x: null }], options))).toBe(false);
    }
  });

  it('decimals numerically and exactly: 1.50 = 1.5 = 1.5 (a number) = 15e-1, 1.505 is not 1.51', () => {
    const t: DataType = { kind: 'decimal', precision: 10, scale: 2 };
    expect(isClean(compareRows(schemaOf({ id: { kind: 'int64' }, price: t }), [{ id: 1, price: '1.50' }, { id: 2, price: 3 }], [{ id: 1n, price: '1.5' }, { id: 2n, price: '3.00' }], unordered()))).toBe(true);
    expect(valuesEqual('1.50', '1.5', t)).toBe(true);
    expect(valuesEqual(1.5, '1.50', t)).toBe(true);
    expect(valuesEqual('15e-1', '1.50', t)).toBe(true);
    expect(valuesEqual('-0.00', '0', t)).toBe(true);
    expect(valuesEqual('1.505', '1.51', t)).toBe(false);
    expect(valuesEqual('100', '1e2', t)).toBe(true);
    expect(exactDecimal('-001.2300')).toBe('-123e-2');
  });

  it('big integers written as digit strings, doubles within the tolerance, nested values by their types', () => {
    expect(valuesEqual('9007199254740993', 9007199254740993n, { kind: 'int64' })).toBe(true);
    expect(valuesEqual('9007199254740993', 9007199254740992n, { kind: 'int64' })).toBe(false);
    expect(valuesEqual(0.1 + 0.2, 0.3, { kind: 'float64' })).toBe(true);
    const nested: DataType = { kind: 'array', containsNull: true, element: { kind: 'struct', fields: [{ name: 'at', type: { kind: 'timestamp' }, nullable: true }, { name: 'x', type: { kind: 'float64' }, nullable: true }] } };
    expect(valuesEqual([{ at: '2026-11-01T00:00:00.000Z', x: 0.3 }], [{ at: '2026-11-01T00:00:00Z', x: 0.1 + 0.2 }], nested)).toBe(true);
    expect(valuesEqual([{ at: '2026-11-01T00:00:01Z', x: 0.3 }], [{ at: '2026-11-01T00:00:00Z', x: 0.3 }], nested)).toBe(false);
  });

  it('in order, for a job that sorts its output', () => {
    const schema = schemaOf({ id: { kind: 'int64' }, ts: { kind: 'timestamp' } });
    const d = compareRows(schema, [{ id: 1, ts: '2026-11-01T00:00:00.000Z' }, { id: 2, ts: '2026-11-02T00:00:00Z' }], [{ id: 2n, ts: '2026-11-02T00:00:00Z' }, { id: 1n, ts: '2026-11-01T00:00:00Z' }], { ordered: true, keyColumns: ['id'] });
    expect(d.changed.length).toBe(2);
  });
});
