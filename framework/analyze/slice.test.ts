import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogTable, col, defineJob, jsonLines, table, toDate, type SliceSpec } from '../index.ts';
import { analyzeJob } from './job.ts';
import { fromZod } from '../schema/zod.ts';
import { resolveSlice } from '../slices/slice.ts';
import { AnalysisError } from '../errors/index.ts';

const Raw = z.object({ id: z.string(), ts: z.iso.datetime() });
const Out = z.object({ id: z.string(), ts: z.iso.datetime(), dt: z.iso.date() });

function job(over: { slice?: SliceSpec; params?: z.ZodObject; path?: string; lateness?: string; partitionBy?: (keyof z.output<typeof Out>)[]; table?: ReturnType<typeof catalogTable> } = {}) {
  return defineJob({
    name: 'j',
    params: over.params ?? z.object({ dt: z.iso.date().optional() }),
    ...(over.slice !== undefined ? { slice: over.slice as never } : {}),
    inputs: over.table
      ? { raw: over.table }
      : { raw: jsonLines({ path: over.path ?? 's3://b/raw/{dt|yyyy/MM/dd/HH}/', schema: Raw, ...(over.lateness ? { lateness: over.lateness } : {}) }) },
    transform: ({ raw }) => raw.withColumn('dt', toDate(col('ts'))).select('id', 'ts', 'dt'),
    output: table('db.t', Out, { partitionBy: over.partitionBy ?? ['dt'] }),
  });
}

const analyzed = (j: ReturnType<typeof job>, params: Record<string, unknown> = {}) => analyzeJob(j, params, () => fromZod(Out), 'jobs/j.ts');
const problem = (j: ReturnType<typeof job>) => {
  try {
    analyzed(j);
  } catch (e) {
    expect(e).toBeInstanceOf(AnalysisError);
    return (e as AnalysisError).message;
  }
  throw new Error('no analysis error');
};

describe('slice analysis', () => {
  it('binds a slice by a date partition to its parameter and the inputs windows', () => {
    const { slicing } = analyzed(job({ slice: 'dt', lateness: '6h' }));
    expect(slicing.slice?.columns.map((c) => c.name)).toEqual(['dt']);
    expect(slicing.slice?.timeColumn).toBe('dt');
    expect(slicing.windows).toEqual({ raw: { beforeMs: 0, afterMs: 6 * 3_600_000 } });
    const t = analyzed(job({ slice: 'dt', table: catalogTable('db.events', { schema: Out, slice: { column: 'dt', lookback: '1d', lookahead: '2h' } }) }));
    expect(t.slicing.windows.raw).toEqual({ beforeMs: 86_400_000, afterMs: 2 * 3_600_000, column: 'dt' });
  });

  it('refuses slices and windows that cannot work, naming the job file', () => {
    expect(problem(job({ slice: 'day' }))).toMatch(/^jobs\/j\.ts \(slice\): slice column 'day' is not a partition column of db\.t/);
    expect(problem(job({ slice: 'dt', params: z.object({ day: z.iso.date() }) }))).toMatch(/slice column 'dt' has no parameter of the same name/);
    expect(problem(job({ slice: 'dt', params: z.object({ dt: z.int32() }) }))).toMatch(/parameter 'dt' is int32 but partition column 'dt' is date/);
    expect(problem(job({ lateness: '6h' }))).toMatch(/\(input 'raw'\): lateness needs a slice by a date column/);
    expect(problem(job({ slice: 'dt', lateness: '6 hours' }))).toMatch(/lateness '6 hours' is not a duration/);
    expect(problem(job({ slice: 'dt', lateness: '6h', path: 's3://b/raw/' }))).toMatch(/lateness needs the path to name the slice's folders, but 's3:\/\/b\/raw\/' does not use \{dt\}/);
    // @ts-expect-error: the compiler refuses the column too; this is the analyzer's check, for tables typed by the catalog only
    expect(problem(job({ slice: 'dt', table: catalogTable('db.events', { schema: Out, slice: 'day' }) }))).toMatch(/db\.events has no column 'day'/);
    expect(problem(job({ slice: 'dt', table: catalogTable('db.events', { schema: Out, slice: 'id' }) }))).toMatch(/slice column 'id' of db\.events is string; a window selects on a date partition column/);
  });

  it('resolves a run\'s slice from its parameters: all of them, or none for a run over everything', () => {
    const { slicing } = analyzed(job({ slice: 'dt' }));
    expect(resolveSlice(slicing.slice, {}, 'j')).toBeUndefined();
    const s = resolveSlice(slicing.slice, { dt: '2026-11-01' }, 'j')!;
    expect(s.key).toBe('dt=2026-11-01');
    expect(s.period).toEqual({ param: 'dt', startMs: Date.parse('2026-11-01T00:00:00Z'), endMs: Date.parse('2026-11-02T00:00:00Z') });
  });
});
