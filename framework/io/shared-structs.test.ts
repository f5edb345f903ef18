import { describe, expect, it } from 'vitest';
import { T, field, type DataType } from '../schema/types.ts';
import { SharedStructs } from './shared-structs.ts';

const struct = (...fields: [string, DataType][]) => ({ kind: 'struct', fields: fields.map(([n, t]) => field(n, t)) }) as Extract<DataType, { kind: 'struct' }>;

describe('SharedStructs', () => {
  it('gives one frozen object per distinct value of text, integer, boolean and null fields', () => {
    const shared = new SharedStructs(struct(['os', T.string], ['build', T.int64], ['beta', T.boolean]));
    const a = shared.of(['ios', 5n, 1]);
    expect(a).toEqual({ os: 'ios', build: 5n, beta: 1 });
    expect(shared.of(['ios', 5n, 1])).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(shared.of(['ios', 5n, 0])).not.toBe(a);
    expect(shared.of(['ios', null, 1])).toEqual({ os: 'ios', build: null, beta: 1 });
    expect(shared.of(['ios', null, 1])).toBe(shared.of(['ios', null, 1]));
  });

  it('keeps floats apart (0 and -0 are one Map key) and structs holding objects, as values of their own', () => {
    const floats = new SharedStructs(struct(['x', T.float64]));
    const zero = floats.of([0]);
    const minusZero = floats.of([-0]);
    expect(Object.is(minusZero.x, -0)).toBe(true);
    expect(minusZero).not.toBe(zero);
    expect(Object.isFrozen(zero)).toBe(false);
    const nested = new SharedStructs(struct(['tags', { kind: 'array', element: T.string, containsNull: true }]));
    expect(nested.of([['a']])).not.toBe(nested.of([['a']]));
  });

  it('stops sharing a type once it holds more distinct values than its limit', () => {
    const shared = new SharedStructs(struct(['id', T.string]), 2);
    const a = shared.of(['a']);
    shared.of(['b']);
    const c = shared.of(['c']);
    expect(Object.isFrozen(c)).toBe(false);
    expect(shared.of(['c'])).not.toBe(c);
    expect(shared.of(['a'])).not.toBe(a);
    expect(shared.of(['a'])).toEqual({ id: 'a' });
  });
});
