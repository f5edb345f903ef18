import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { col, defineJob, jsonLines, max, min, table, unique, upper, type Check } from '../index.ts';
import type { Dataset } from '../dsl/dataset.ts';
import { analyzeJob } from './job.ts';
import { uniqueByPlan } from './unique-by-plan.ts';
import { prepareChecks } from '../run/checks.ts';
import { T } from '../schema/types.ts';
import { batch, schema } from '../engine/test-helpers.ts';

const Row = z.object({ id: z.string().nullable(), user_id: z.int64(), ts: z.int64(), tags: z.array(z.string()) });
const BY_TS = { orderBy: col('ts') };
const Out = z.object({ id: z.string().nullable(), user_id: z.int64(), ts: z.int64() });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the transforms below change the row type freely
type Rows = Dataset<any>;

/** Whether the analyzed job's plan proves its (single) unique check. */
function proves(transform: (raw: Rows) => Rows, check: Check, out: z.ZodObject = Out): boolean {
  const job = defineJob({ name: 'u', inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Row }) }, transform: ({ raw }) => transform(raw as Rows), output: table('db.u', out), checks: [check as Check<never>] });
  const analyzed = analyzeJob(job, {}, () => ({ fields: [] }) as never, 'jobs/u.ts');
  const c = analyzed.checks.find((x) => x.kind === 'unique')!;
  return uniqueByPlan(analyzed.plan, c.kind === 'unique' ? c.columns.map((x) => x.index) : []);
}

describe('unique by plan', () => {
  it('proves a unique check on the keys of a dropDuplicates, through filters, projections and sorts', () => {
    expect(proves((r) => r.dropDuplicates(['id'], { orderBy: col('ts') }).select('id', 'user_id', 'ts'), unique('id'))).toBe(true);
    expect(proves((r) => r.filter(col('ts').gt(0)).dropDuplicates(['id'], BY_TS).orderBy('ts').select('user_id', 'ts', 'id').filter(col('user_id').gt(1)), unique('id'))).toBe(true);
    // Unique on id, so unique on (id, user_id) too.
    expect(proves((r) => r.dropDuplicates(['id'], BY_TS).select('id', 'user_id', 'ts'), unique(['user_id', 'id']))).toBe(true);
    expect(proves((r) => r.groupBy('id').agg({ user_id: max(col('user_id')), ts: min(col('ts')) }), unique('id'))).toBe(true);
  });

  it('does not prove what the plan does not guarantee', () => {
    // No dedupe at all, or one on other columns.
    expect(proves((r) => r.select('id', 'user_id', 'ts'), unique('id'))).toBe(false);
    expect(proves((r) => r.dropDuplicates(['id', 'user_id'], BY_TS).select('id', 'user_id', 'ts'), unique('id'))).toBe(false);
    // The checked column is computed from the key, not the key itself (upper('a') = upper('A')).
    expect(proves((r) => r.dropDuplicates(['id'], BY_TS).withColumns({ id: upper(col('id')) }).select('id', 'user_id', 'ts'), unique('id'))).toBe(false);
    // A union or an explode after the dedupe can repeat keys.
    expect(proves((r) => r.dropDuplicates(['id'], BY_TS).unionByName(r.dropDuplicates(['id'], BY_TS)).select('id', 'user_id', 'ts'), unique('id'))).toBe(false);
    expect(proves((r) => r.dropDuplicates(['id'], BY_TS).explode('tags').select('id', 'user_id', 'ts'), unique('id'))).toBe(false);
  });

  it('a proven unique check holds no keys and passes; an unproven one still finds duplicates', () => {
    const s = schema({ id: T.string });
    const scan = { kind: 'scan', step: { label: 't' }, schema: s, input: 'raw' } as const;
    const dedupe = { kind: 'deduplicate', step: { label: 't' }, schema: s, input: scan, keys: [{ kind: 'column', index: 0, name: 'id', type: T.string }], orderBy: [] } as const;
    const check = { kind: 'unique', name: 'unique(id)', severity: 'error', columns: [{ index: 0, name: 'id', type: T.string }] } as const;
    const rows = batch(s, [['a'], ['a']]);
    const [proven] = prepareChecks([check])(dedupe);
    proven.add(rows);
    expect(proven.result().passed).toBe(true);
    const [checked] = prepareChecks([check])(scan);
    checked.add(rows);
    expect(checked.result()).toMatchObject({ passed: false, failingRows: 1 });
  });
});
