import { describe, expect, it } from 'vitest';
import { T, type DataType } from './types.ts';
import { hiveType, parseHiveType, HiveTypeError } from './hive.ts';
import { seededRandom } from '../../test/support/random.ts';

/** Random types of every kind, nested up to `depth`; nested fields nullable, as Hive names carry no nullability. */
function randomType(next: () => number, depth: number): DataType {
  const primitives = [T.string, T.boolean, T.int32, T.int64, T.float32, T.float64, T.date, T.timestamp, T.decimal(1 + Math.floor(next() * 18), 0)];
  const pick = Math.floor(next() * (depth > 0 ? primitives.length + 3 : primitives.length));
  if (pick < primitives.length) return primitives[pick];
  if (pick === primitives.length) return { kind: 'array', element: randomType(next, depth - 1), containsNull: true };
  if (pick === primitives.length + 1) return { kind: 'map', key: T.string, value: randomType(next, depth - 1), valueContainsNull: true };
  const n = 1 + Math.floor(next() * 3);
  return { kind: 'struct', fields: Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: randomType(next, depth - 1), nullable: true })) };
}

describe('parseHiveType', () => {
  it('reads back every type hiveType writes', () => {
    const next = seededRandom(7);
    for (let i = 0; i < 300; i++) {
      const t = randomType(next, 3);
      expect(parseHiveType(hiveType(t))).toEqual(t);
    }
  });

  it('reads the names other tools write', () => {
    expect(parseHiveType('INT')).toEqual(T.int32);
    expect(parseHiveType('varchar(20)')).toEqual(T.string);
    expect(parseHiveType('decimal')).toEqual(T.decimal(10, 0));
    expect(parseHiveType('struct<a : string, `b c`:array<smallint>>')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'a', type: T.string, nullable: true },
        { name: 'b c', type: { kind: 'array', element: T.int32, containsNull: true }, nullable: true },
      ],
    });
  });

  it('names what it cannot read', () => {
    expect(() => parseHiveType('uniontype<int,string>')).toThrow(HiveTypeError);
    expect(() => parseHiveType('array<int')).toThrow(/expected '>'/);
    expect(() => parseHiveType('int extra')).toThrow(/unexpected 'extra'/);
  });
});
