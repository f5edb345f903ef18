import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Dataset, PlanContext } from '../dsl/dataset.ts';
import { col, interval, lit, Window, type WindowableCol } from '../dsl/expr.ts';
import { count, countDistinct, intervalMicros, lag, max, rowNumber, sum, toDate } from '../dsl/functions.ts';
import { table } from '../dsl/sinks.ts';
import { Plan } from '../plan/nodes.ts';
import { fromZod } from '../schema/zod.ts';
import { typeToString } from '../schema/types.ts';
import { AnalysisError } from '../errors/index.ts';
import { analyze } from './analyze.ts';
import { bindOutput } from './output.ts';

const Events = z.object({
  event_id: z.string(),
  user_id: z.int64(),
  event_type: z.enum(['view', 'click']),
  ts: z.iso.datetime(),
  amount: z.float64().nullable(),
});
const Users = z.object({ user_id: z.int64(), country: z.string() });

function scan<S extends z.ZodObject>(name: string, schema: S, ctx = new PlanContext()) {
  return new Dataset<z.output<S>>(Plan.scan({ step: { label: `input '${name}'` }, input: name, schema: fromZod(schema) }), ctx);
}
const ctx = { job: 'test_job', file: 'jobs/test_job.ts' };
const schemaOf = (d: Dataset<object>) => analyze(d.plan, ctx).schema.fields.map((f) => `${f.name}:${typeToString(f.type)}${f.nullable ? '?' : ''}`);
const analysisError = (d: () => Dataset<object>): AnalysisError => {
  try {
    analyze(d().plan, ctx);
  } catch (e) {
    if (e instanceof AnalysisError) return e;
    throw e;
  }
  throw new Error('expected an AnalysisError');
};

describe('analyzer', () => {
  it('types a projection pipeline', () => {
    const d = scan('raw', Events)
      .filter(col('event_id').isNotNull())
      .withColumn('dt', toDate(col('ts')))
      .withColumn('cents', col('amount').times(100))
      .drop('amount');
    expect(schemaOf(d)).toEqual(['event_id:string', 'user_id:bigint', 'event_type:string', 'ts:timestamp', 'dt:date', 'cents:double?']);
  });

  it('names the file, line, step and a close match for a misspelt column', () => {
    // @ts-expect-error: the compiler refuses the name too (test/types); the analyzer's check stays for what types cannot see
    const e = analysisError(() => scan('raw', Events).filter(col('event_id').isNotNull()).filter(col('user_idd').gt(0)));
    expect(e.where.step.label).toBe('filter #2');
    expect(e.where.step.location).toMatch(/^framework\/analyze\/analyze\.test\.ts:\d+:\d+$/);
    expect(e.message).toContain("column 'user_idd' does not exist");
    expect(e.hint).toBe("did you mean 'user_id'?");
  });

  it('reads struct fields by dotted name or getField, names a selected field after it, and suggests a field for a misspelt one', () => {
    const Nested = z.object({ id: z.int64(), device: z.object({ os: z.string(), build: z.object({ n: z.int32() }) }).nullable(), 'a.b': z.string() });
    expect(schemaOf(scan('raw', Nested).select(col('device.os'), col('device.build.n'), col('a.b'), col('device').getField('os').as('os2')))).toEqual(['os:string?', 'n:int?', 'a.b:string', 'os2:string?']);
    // @ts-expect-error: the compiler knows the struct's fields too
    const e = analysisError(() => scan('raw', Nested).select(col('device.oss')));
    expect(e.message).toContain("no field 'oss' in struct<os:string,build:struct<n:int>>: did you mean 'os'? (its fields: os, build)");
    // @ts-expect-error: id is no struct
    expect(analysisError(() => scan('raw', Nested).select(col('id.x'))).message).toContain('only structs have fields');
    // @ts-expect-error: no column devices
    expect(analysisError(() => scan('raw', Nested).select(col('devices.os'))).message).toContain("column 'devices.os' does not exist");
  });

  it('resolves names case-insensitively, as Spark does, and refuses names that differ only in case', () => {
    expect(schemaOf(scan('raw', Events).select('EVENT_ID' as never, 'user_id'))).toEqual(['EVENT_ID:string', 'user_id:bigint']);
    expect(schemaOf(scan('raw', Events).drop('AMOUNT' as never).select('event_id'))).toEqual(['event_id:string']);
    // withColumn replaces a column of the same name in any case, taking the new spelling (Spark's withColumn).
    expect(schemaOf(scan('raw', Events).withColumn('User_Id', col('user_id').plus(1)).select('user_id' as never))).toEqual(['user_id:bigint']);
    const e = analysisError(() => scan('raw', Events).select('user_id', col('event_id').as('USER_ID')));
    expect(e.message).toContain("columns 'user_id' and 'USER_ID' differ only in case: Spark matches column names case-insensitively");
    expect(e.where.step.label).toMatch(/select/);
  });

  it('aggregates with expressions over aggregates and refuses ungrouped columns', () => {
    const d = scan('raw', Events).groupBy('event_type').agg({ n: count(), users: countDistinct('user_id'), avg_amount: sum('amount').div(count()) });
    expect(schemaOf(d)).toEqual(['event_type:string', 'n:bigint', 'users:bigint', 'avg_amount:double?']);
    const e = analysisError(() => scan('raw', Events).groupBy('event_type').agg({ x: col('user_id').plus(count()) }));
    expect(e.message).toContain("column 'user_id' is neither grouped nor aggregated");
  });

  it('joins with USING keys once and refuses ambiguous columns', () => {
    const ds = new PlanContext();
    const d = scan('e', Events, ds).join(scan('u', Users, ds), 'user_id', 'left');
    expect(schemaOf(d)).toEqual(['event_id:string', 'user_id:bigint', 'event_type:string', 'ts:timestamp', 'amount:double?', 'country:string?']);
    const full = scan('e', Events, ds).join(scan('u', Users, ds), 'user_id', 'full');
    expect(schemaOf(full)[1]).toBe('user_id:bigint');
    const e = analysisError(() => scan('e', Events, ds).join(scan('e2', Events, ds), 'user_id'));
    expect(e.message).toContain("column 'event_id' exists on both sides of the join");
  });

  it('extracts window functions nested in expressions', () => {
    const w = Window.partitionBy('user_id').orderBy('ts');
    const d = scan('raw', Events)
      .withColumn('prev_ts', lag('ts').over(w))
      .withColumn('first', rowNumber().over(w).eq(lit(1)))
      .withColumn('running', sum('amount').over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).plus(1));
    expect(schemaOf(d).slice(5)).toEqual(['prev_ts:timestamp?', 'first:boolean', 'running:double?']);
  });

  it('requires an ordered window for ranking functions', () => {
    const e = analysisError(() => scan('raw', Events).withColumn('rn', rowNumber().over(Window.partitionBy('user_id'))));
    expect(e.message).toContain('row_number() needs an ordered window');
  });

  it('refuses unknown functions with a suggestion', () => {
    const e = analysisError(() => scan('raw', Events).withColumn('x', max('amount').plus(1)));
    expect(e.message).toContain('outside groupBy');
  });

  it('binds the output to a declared schema, partition columns last', () => {
    const Out = z.object({ dt: z.iso.date(), event_id: z.string(), user_id: z.int64() });
    const d = scan('raw', Events).withColumn('dt', toDate(col('ts'))).select('event_id', 'user_id', 'dt');
    const out = bindOutput(analyze(d.plan, ctx), table('analytics.events', Out, { partitionBy: ['dt'] }), ctx);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['event_id', 'user_id', 'dt']);
    expect(out.partitionColumns.map((f) => f.name)).toEqual(['dt']);
    expect(out.requiredColumns).toEqual(['dt', 'event_id', 'user_id']);
  });

  it('refuses an output that does not match the declared schema', () => {
    const Out = z.object({ event_id: z.string(), user_id: z.int32() });
    const d = scan('raw', Events).select('event_id', 'user_id');
    expect(() => bindOutput(analyze(d.plan, ctx), table('analytics.events', Out), ctx)).toThrow(/column 'user_id' is bigint but analytics.events declares int/);
    const extra = scan('raw', Events).select('event_id', 'user_id', 'ts');
    expect(() => bindOutput(analyze(extra.plan, ctx), table('analytics.events', z.object({ event_id: z.string(), user_id: z.int64() })), ctx)).toThrow(/'ts' that analytics.events's declared schema lacks/);
    expect(() => bindOutput(analyze(d.plan, ctx), table('Analytics.Events'), ctx)).toThrow(/not a valid 'database.table' name/);
  });

  it('types the sessionization idiom with intervals, and refuses an interval output column with the way out', () => {
    const w = Window.partitionBy('user_id').orderBy('ts');
    const d = scan('raw', Events)
      .withColumn('gap', col('ts').minus(lag('ts').over(w)))
      .withColumn('new_session', col('gap').gt(interval('30 minutes')))
      .withColumn('gap_us', intervalMicros(col('gap')))
      .select('event_id', 'gap', 'new_session', 'gap_us');
    expect(schemaOf(d)).toEqual(['event_id:string', 'gap:interval day to second?', 'new_session:boolean?', 'gap_us:bigint?']);
    const e = (() => {
      try {
        bindOutput(analyze(d.plan, ctx), table('analytics.gaps'), ctx);
      } catch (x) {
        return x as AnalysisError;
      }
      throw new Error('expected an AnalysisError');
    })();
    expect(e).toBeInstanceOf(AnalysisError);
    expect(e.message).toContain("column 'gap' is interval day to second: no table column type holds an interval");
    expect(e.hint).toContain("intervalMicros(col('gap'))");
  });

  it('reads interval literals exactly and refuses calendar units', () => {
    expect(interval('1 day 2 hours 3.000004 seconds').node).toMatchObject({ kind: 'literal', value: 93_603_000_004n });
    expect(interval('-30 minutes').node).toMatchObject({ value: -1_800_000_000n });
    expect(() => interval('1 month')).toThrow(/months are calendar units/);
    expect(() => interval('30')).toThrow(/expected a number and a unit/);
    expect(() => interval('0.0000001 seconds')).toThrow(/not a whole number of microseconds/);
  });

  it('checks rangeBetween frames as Spark does', () => {
    const byTs = Window.partitionBy('user_id').orderBy('ts');
    const ok = scan('raw', Events).withColumn('n', count('event_id').over(byTs.rangeBetween(interval('-30 minutes'), Window.currentRow)));
    expect(schemaOf(ok)).toContain('n:bigint');
    const refused = (spec: ReturnType<typeof Window.orderBy>, fn: WindowableCol = count('event_id')) => {
      const e = analysisError(() => scan('raw', Events).withColumn('n', fn.over(spec)));
      return `${e.message} (${e.hint})`;
    };
    expect(refused(byTs.rangeBetween(-1, 0))).toContain('an offset of type int does not go with an order key of type timestamp');
    expect(refused(Window.orderBy('user_id').rangeBetween(interval('-1 hour'), 0))).toContain('an offset of type interval day to second does not go with an order key of type bigint');
    expect(refused(Window.orderBy('ts', 'user_id').rangeBetween(interval('-1 hour'), 0))).toContain('needs exactly one order key, the window has 2');
    expect(refused(Window.partitionBy('user_id').rangeBetween(-1, 0))).toContain('needs an ordered window');
    expect(refused(Window.orderBy('user_id').rangeBetween(2, 1))).toContain('starts after it ends');
    expect(refused(Window.orderBy('user_id').rangeBetween(-1.5, 0))).toContain('a fractional offset (-1.5)');
    expect(refused(Window.orderBy('event_type').rangeBetween(-1, 0))).toContain('needs a numeric, date or timestamp order key');
    expect(refused(Window.orderBy('ts').rangeBetween(-1, 0), rowNumber())).toContain('remove rangeBetween(...)');
    // Unbounded and current-row bounds take any number of order keys, of any type, as in Spark.
    expect(schemaOf(scan('raw', Events).withColumn('n', count('event_id').over(Window.orderBy('event_type', 'ts').rangeBetween(Window.unboundedPreceding, Window.currentRow))))).toContain('n:bigint');
  });
});
