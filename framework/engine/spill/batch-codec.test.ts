import { describe, expect, it } from 'vitest';
import { T, field, schemaOf, type DataType } from '../../schema/types.ts';
import type { Batch } from '../../columnar/column.ts';
import { batch, rowsOf, schema } from '../test-helpers.ts';
import { decodeBatch, encodeBatch } from './batch-codec.ts';

function roundTrip(b: Batch): Batch {
  const { parts, byteLength } = encodeBatch(b);
  const bytes = new Uint8Array(byteLength);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return decodeBatch(b.schema, bytes);
}

/** Values as they are stored, with -0, NaN and bigints told apart from 0, null and numbers. */
const exact = (rows: unknown[][]) => rows.map((r) => r.map((v) => (Object.is(v, -0) ? '-0' : v)));

describe('batch codec', () => {
  it('gives back every primitive type exactly, nulls included', () => {
    const s = schema({
      i: T.int32,
      l: T.int64,
      d: T.float64,
      f: T.float32,
      dec: T.decimal(10, 2),
      wide: T.decimal(38, 4),
      s: T.string,
      bin: T.binary,
      b: T.boolean,
      day: T.date,
      ts: T.timestamp,
      iv: T.interval,
      n: T.null,
    });
    const big = 10n ** 37n + 12345n;
    const rows = [
      [1, 2n ** 62n, -0, 1.5, 12345n, big, 'plain', new Uint8Array([0, 255, 7]), true, 20_000, 1_700_000_000_000_000n, -86_400_000_000n, null],
      [-(2 ** 31), -(2n ** 63n), NaN, -2.5, -99n, -big, '', new Uint8Array(0), false, -1, -1n, 1n, null],
      [null, null, null, null, null, null, null, null, null, null, null, null, null],
      [2 ** 31 - 1, 0n, Infinity, 0, 0n, -(2n ** 100n), 'héllo wörld 日本 🎉', new Uint8Array([1]), null, 0, 0n, 0n, null],
      [0, 1n, -Infinity, 3, 1n, 0n, 'a\u0000b\nc', null, true, null, null, null, null],
    ];
    const b = batch(s, rows);
    const back = roundTrip(b);
    expect(back.length).toBe(5);
    expect(exact(rowsOf(back))).toEqual(exact(rowsOf(b)));
    expect(back.columns.map((c) => c.data.constructor.name)).toEqual(b.columns.map((c) => c.data.constructor.name));
  });

  it('keeps a lone surrogate (which UTF-8 cannot carry) and strings past one text segment', () => {
    const s = schema({ s: T.string });
    const lone = `x\ud800y`;
    const b = batch(s, [['ok'], [lone], ['🎉'], ['']]);
    expect(rowsOf(roundTrip(b))).toEqual([['ok'], [lone], ['🎉'], ['']]);
  });

  it('gives back nested structs, arrays and maps with nulls at every level', () => {
    const inner: DataType = { kind: 'struct', fields: [field('flag', T.boolean), field('at', T.timestamp), field('amount', T.decimal(9, 2)), field('x', T.float64)] };
    const s = schemaOf([
      field('st', { kind: 'struct', fields: [field('name', T.string), field('n', T.int64), field('inner', inner), field('tags', { kind: 'array', element: T.string, containsNull: true })] }),
      field('arr', { kind: 'array', element: { kind: 'array', element: T.int32, containsNull: true }, containsNull: true }),
      field('m', { kind: 'map', key: T.string, value: inner, valueContainsNull: true }),
      field('wides', { kind: 'array', element: T.decimal(30, 0), containsNull: true }),
      field('bins', { kind: 'map', key: T.string, value: T.binary, valueContainsNull: true }),
    ]);
    const rows = [
      [
        { name: 'é', n: 5n, inner: { flag: 1, at: 7n, amount: -150n, x: NaN }, tags: ['a', null, ''] },
        [[1, null, 3], null, []],
        { k1: { flag: 0, at: null, amount: 1n, x: -0 }, '': null },
        [10n ** 29n, null, -1n],
        { a: new Uint8Array([9, 8]), b: null },
      ],
      [{ name: null, n: null, inner: null, tags: null }, [], {}, [], {}],
      [null, null, null, null, null],
      [{ name: '', n: -(2n ** 63n), inner: { flag: null, at: -1n, amount: null, x: 2.25 }, tags: [] }, [null], { z: { flag: 1, at: 0n, amount: 0n, x: null } }, [null], { c: new Uint8Array(0) }],
    ];
    const b = batch(s, rows);
    expect(exact(rowsOf(roundTrip(b)))).toEqual(exact(rows));
  });

  it('round-trips an empty batch and a batch of zero columns', () => {
    const s = schema({ s: T.string, l: T.int64 });
    expect(roundTrip(batch(s, [])).length).toBe(0);
    expect(roundTrip({ schema: schemaOf([]), length: 3, columns: [] }).length).toBe(3);
  });
});
