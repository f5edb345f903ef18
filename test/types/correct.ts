/**
 * What the column-name types must accept: the typed forms, and the ways out where types cannot
 * know a name (the analyzer checks those at run time). Types only: nothing here runs.
 */
import { z } from 'zod';
import {
  Window, catalogTable, col, count, decimal, defineJob, expect, jsonLines, lag, lit, max, min, notNull, sum, table, unique, when,
  type Col, type Dataset,
} from 'lakeform';

type ColumnsOf<D> = D extends Dataset<infer Row> ? keyof Row & string : never;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

const Event = z.object({ event_id: z.string().nullable(), user_id: z.int64(), amount: z.float64().nullable(), ts: z.iso.datetime(), dt: z.iso.date() });
const Clean = z.object({ event_id: z.string(), user_id: z.int64(), amount: z.float64().nullable(), ts: z.iso.datetime(), dt: z.iso.date() });
const Daily = z.object({ dt: z.iso.date(), users: z.int64(), revenue: z.float64(), label: z.string() });

declare const events: Dataset<z.output<typeof Event>>;
declare const untyped: Dataset;

// Verbs keep the row type they can know.
assertType<Equal<ReturnType<typeof events.col<'amount'>>, Col<number | null, 'amount'>>>();
const renamed = events.rename({ amount: 'value' });
assertType<Equal<ColumnsOf<typeof renamed>, 'event_id' | 'user_id' | 'value' | 'ts' | 'dt'>>();
const perDay = events.groupBy('dt').agg({ users: count('user_id'), first: min('ts') });
assertType<Equal<ColumnsOf<typeof perDay>, 'dt' | 'users' | 'first'>>();

// A window's columns, an expression's operands, a sort key: all of the dataset's.
const byUser = Window.partitionBy('user_id').orderBy('ts', col('event_id').desc());
events.withColumn('prev_ts', lag('ts').over(byUser)).filter(col('prev_ts').isNull().or(col('amount').gt(col('user_id'))));
events.dropDuplicates(['event_id'], { orderBy: [col('ts').desc(), 'user_id'] });

// Names built at run time, and expressions typed `Col` by hand, are left to the analyzer.
declare const name: string;
events.filter(col(name).isNotNull());
const isBig: Col<boolean> = col('amount').gt(100);
events.filter(isBig);
untyped.filter(col('whatever').gt(1)).select('anything');

// Nullable into required (a filter cannot narrow a type), int64 from aggregates typed number,
// and names in another case are for the run time to judge.
defineJob({
  name: 'clean',
  inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Event }) },
  transform: ({ raw }) => raw.filter(col('event_id').isNotNull()),
  output: table('db.clean', Clean, { partitionBy: ['dt'] }),
  checks: [unique('event_id'), notNull(['event_id', 'user_id']), expect('amount is non-negative', col('amount').ge(0))],
});
defineJob({
  name: 'daily',
  inputs: { events: catalogTable<typeof Clean>('db.clean', { slice: 'dt' }) },
  transform: ({ events }) =>
    events
      .groupBy('dt')
      .agg({ users: sum(when(col('amount').gt(0), 1).otherwise(0)), revenue: max('amount') })
      .withColumn('LABEL', lit('all')),
  output: table('db.daily', Daily),
});

// A decimal (`string | number` in zod) where a double is declared: for the analyzer to judge.
const Priced = z.object({ price: decimal(10, 2) });
defineJob({
  name: 'priced',
  inputs: { raw: jsonLines({ path: 's3://b/prices/', schema: Priced }) },
  transform: ({ raw }) => raw,
  output: table('db.priced', z.object({ price: z.float64() })),
});

// A catalog table without a type: any name, checked at run time.
defineJob({
  name: 'loose',
  inputs: { events: catalogTable('db.clean') },
  transform: ({ events }) => events.filter(col('whatever').isNotNull()),
  output: table('db.loose'),
});

// A helper over any dataset that has the columns it uses.
function latestPerEvent<Row extends { event_id: string | null; ts: string }>(ds: Dataset<Row>) {
  return ds.filter(col('event_id').isNotNull()).dropDuplicates(['event_id'], { orderBy: col('ts').desc() });
}
latestPerEvent(events).select('event_id', 'user_id');
