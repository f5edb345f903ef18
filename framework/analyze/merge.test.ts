import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { col, count, defineJob, jsonLines, lag, table, toDate, Window, type Dataset } from '../index.ts';
import { analyzeJob } from './job.ts';
import { mergeRuleOf } from './merge.ts';

const Raw = z.object({ id: z.string().nullable(), ts: z.iso.datetime(), v: z.int32() });

function rule(transform: (raw: Dataset<z.output<typeof Raw>>) => Dataset<object>) {
  const job = defineJob({ name: 'j', inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Raw }) }, transform: ({ raw }) => transform(raw), output: table('db.t', undefined, { partitionBy: ['dt'] }) });
  return mergeRuleOf(analyzeJob(job, {}, () => ({ fields: [] })).plan);
}

describe('the merge rule of incremental runs', () => {
  it("is the job's dropDuplicates, on the output's columns, through renames and projections", () => {
    const r = rule((raw) => raw.filter(col('id').isNotNull()).withColumn('dt', toDate(col('ts'))).dropDuplicates(['id'], { orderBy: col('ts').desc() }).rename({ id: 'event_id' }).select('dt', 'v', 'ts', 'event_id'));
    // Output columns: v, ts, event_id, then the partition column dt.
    expect(r).toEqual({ ok: true, rule: { keys: [2], orderBy: [{ index: 1, ascending: false, nullsFirst: false }], step: 'dropDuplicates #1' } });
  });

  it('is refused, with the reason, where merging new rows cannot give what one run would', () => {
    const problem = (t: Parameters<typeof rule>[0]) => {
      const r = rule(t);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem((raw) => raw.withColumn('dt', toDate(col('ts'))))).toMatch(/has no dropDuplicates/);
    expect(problem((raw) => raw.withColumn('dt', toDate(col('ts'))).dropDuplicates(['id'], { orderBy: col('ts') }).drop('ts'))).toMatch(/keys or ordering \(ts\) are not output columns/);
    expect(problem((raw) => raw.withColumn('dt', toDate(col('ts'))).groupBy('dt', 'id').agg({ n: count() }).withColumn('ts', col('dt')).dropDuplicates(['id'], { orderBy: col('n') }))).toMatch(/groupBy #1 computes each row from other rows/);
    expect(problem((raw) => raw.withColumn('prev', lag('ts').over(Window.partitionBy('id').orderBy('ts'))).withColumn('dt', toDate(col('ts'))).dropDuplicates(['id'], { orderBy: col('ts') }))).toMatch(/its withColumn #1 computes each row from other rows/);
  });
});
