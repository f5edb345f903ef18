import { describe, expect, it } from 'vitest';
import { planTableChange, type TableChangeInput } from './table-changes.ts';
import { SliceOwnershipError, type SliceRun } from '../slices/slice.ts';

const slice: SliceRun = { values: { dt: '2026-11-02' }, key: 'dt=2026-11-02' };
const written = (...days: string[]) => days.map((d) => ({ values: [d, 'US'], relPath: `dt=${d}/country=US`, rows: 1, files: ['part-0.parquet'] }));
const base = (over: Partial<TableChangeInput>): TableChangeInput => ({
  job: 'j',
  mode: 'overwrite-partitions',
  partitionColumns: ['dt', 'country'],
  slice: undefined,
  merge: false,
  written: written('2026-11-02'),
  existing: [['2026-11-01', 'US'], ['2026-11-02', 'US'], ['2026-11-02', 'FR']],
  tableDir: '/t',
  stagedTable: '/s',
  trash: '/x',
  ...over,
});
const moves = (c: ReturnType<typeof planTableChange>) => c.moves.map((m) => `${m.kind} ${m.from} -> ${m.to}`);

describe('what a committed run changes in its table', () => {
  it('a run over everything: overwrite replaces the table, overwrite-partitions what it wrote, append adds files', () => {
    expect(moves(planTableChange(base({ mode: 'overwrite' })))).toEqual(['retire /t -> /x/table', 'publish /s -> /t']);
    expect(planTableChange(base({ mode: 'overwrite' })).replaceAll).toBe(true);
    expect(moves(planTableChange(base({})))).toEqual(['retire /t/dt=2026-11-02/country=US -> /x/0', 'publish /s/dt=2026-11-02/country=US -> /t/dt=2026-11-02/country=US']);
    expect(moves(planTableChange(base({ mode: 'append' })))).toEqual(['publish /s/dt=2026-11-02/country=US/part-0.parquet -> /t/dt=2026-11-02/country=US/part-0.parquet']);
  });

  it('a sliced run makes the slice its output: a partition of the slice it wrote nothing for goes, the others stay', () => {
    for (const mode of ['overwrite', 'overwrite-partitions'] as const) {
      const c = planTableChange(base({ mode, slice }));
      expect(c.dropped).toEqual([['2026-11-02', 'FR']]);
      expect(moves(c)).toEqual([
        'retire /t/dt=2026-11-02/country=US -> /x/0',
        'publish /s/dt=2026-11-02/country=US -> /t/dt=2026-11-02/country=US',
        'retire /t/dt=2026-11-02/country=FR -> /x/1',
      ]);
      expect(c.replaceAll).toBe(false);
    }
    expect(planTableChange(base({ mode: 'append', slice })).dropped).toEqual([]);
  });

  it('refuses, before any move, to write a partition the slice does not own', () => {
    expect(() => planTableChange(base({ slice, written: written('2026-11-02', '2026-11-01') }))).toThrow(SliceOwnershipError);
    expect(() => planTableChange(base({ slice, written: written('2026-11-01') }))).toThrow(/owns slice dt=2026-11-02, but its output has rows for partition dt=2026-11-01\/country=US/);
  });

  it('an incremental run replaces each partition it merged, whatever the others', () => {
    const c = planTableChange(base({ merge: true, written: written('2026-11-01', '2026-11-02') }));
    expect(c.dropped).toEqual([]);
    expect(moves(c).filter((m) => m.startsWith('retire'))).toEqual(['retire /t/dt=2026-11-01/country=US -> /x/0', 'retire /t/dt=2026-11-02/country=US -> /x/1']);
  });
});
