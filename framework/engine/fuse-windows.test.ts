import { describe, expect, it } from 'vitest';
import type { BoundExpr, BoundPlan } from '../analyze/bound.ts';
import { T, field, schemaOf } from '../schema/types.ts';
import { overChainInput, windowChain, type ProjectNode, type WindowNode } from './fuse-windows.ts';
import { WINDOW_SCHEMA, col, key, run, scan, split, step, win, windowRows } from './test-helpers.ts';

const W = WINDOW_SCHEMA;
const data = windowRows();
const running = { unit: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } } as const;

function windowOver(input: BoundPlan, cols: ReturnType<typeof win>[]): WindowNode {
  return { kind: 'window', step, input, columns: cols, schema: schemaOf([...input.schema.fields, ...cols.map((c) => field(c.name, c.type))]) };
}

/** A project of `input`'s columns by name, in the given order. */
function projectOf(input: BoundPlan, names: string[]): ProjectNode {
  const columns = names.map((n) => col(input.schema, n));
  return { kind: 'project', step, input, columns, schema: schemaOf(names.map((n) => input.schema.fields.find((f) => f.name === n)!)) };
}

// lag(ts) by g, ordered by ts and id; then the columns in another order (every index moves).
const byG = () => [col(W, 'g')];
const byTsId = () => [key(col(W, 'ts')), key(col(W, 'id'))];
const lagged = windowOver(scan('w', W), [win('prev', 'lag', [col(W, 'ts')], byG(), byTsId())]);
const reordered = projectOf(lagged, ['prev', 'v', 'ts', 'id', 'g']);
const R = reordered.schema;

describe('windowChain', () => {
  it('takes the windows and projects above the first window, and leaves the projects below it to the input', () => {
    const below = projectOf(scan('w', W), ['id', 'g', 'ts', 'v']);
    const first = windowOver(below, [win('prev', 'lag', [col(W, 'ts')], byG(), byTsId())]);
    const between = projectOf(first, ['prev', 'v', 'ts', 'id', 'g']);
    const top = windowOver(between, [win('s', 'sum', [col(between.schema, 'prev')], [col(between.schema, 'g')], [key(col(between.schema, 'ts'))], running)]);
    const chain = windowChain(top);
    expect(chain.input).toBe(below);
    expect(chain.stages).toEqual([first, between, top]);
    expect(windowChain(first)).toEqual({ input: below, stages: [first] });
  });
});

describe('overChainInput', () => {
  const top = windowOver(reordered, [win('s', 'sum', [col(R, 'prev')], [col(R, 'g')], [key(col(R, 'ts')), key(col(R, 'id'))], running)]);
  const chain = windowChain(top);

  it('rewrites a key of a later window over the chain input, through the projects between', () => {
    expect(overChainInput(col(R, 'g'), chain, 2)).toEqual(col(W, 'g'));
    expect(overChainInput(col(R, 'id'), chain, 2)).toEqual(col(W, 'id'));
    // a column renamed by a project still names the input's column
    const renamed: BoundExpr = { kind: 'column', index: R.fields.findIndex((f) => f.name === 'ts'), name: 'when', type: T.int32 };
    expect(overChainInput(renamed, chain, 2)).toEqual(col(W, 'ts'));
  });

  it('gives up on a key that reads a window result', () => {
    expect(overChainInput(col(R, 'prev'), chain, 2)).toBeUndefined();
    const cast: BoundExpr = { kind: 'cast', expr: col(R, 'prev'), type: T.int64 };
    expect(overChainInput(cast, chain, 2)).toBeUndefined();
  });
});

describe('windows over a chain', () => {
  it('a later window over the same keys, written over a derived column, gets the same rows as alone', async () => {
    const top = windowOver(reordered, [win('s', 'sum', [col(R, 'prev')], [col(R, 'g')], [key(col(R, 'ts')), key(col(R, 'id'))], running)]);
    const rows = await run(top, { w: split(data, 3) });
    // a: 7 (ts null), 1, 2, 3, 4 -> prev null, null, 1, 2, 2 -> running sums null, null, 1, 3, 5
    expect(rows.map((r) => [r[3], r[0], r[5]])).toEqual([
      [1n, null, null],
      [2n, 1, 1n],
      [3n, 2, 3n],
      [4n, 2, 5n],
      [5n, null, null],
      [6n, null, null],
      [7n, null, null],
    ]);
  });

  it('a later window partitioned by a window result sorts on its own', async () => {
    const top = windowOver(reordered, [win('rn', 'row_number', [], [col(R, 'prev')], [key(col(R, 'id'), false)])]);
    const rows = await run(top, { w: data });
    // prev: null for 1, 5, 6, 7; 1 for 2; 2 for 3 and 4
    expect(rows.map((r) => [r[3], r[5]])).toEqual([
      [1n, 4],
      [2n, 1],
      [3n, 2],
      [4n, 1],
      [5n, 3],
      [6n, 2],
      [7n, 1],
    ]);
  });
});
