/**
 * Misspelt and missing column names the compiler refuses: one case per verb or mistake. Each
 * `@ts-expect-error names '<column>'` must meet an error on the next line (tsc fails on an unused
 * one), and test/types/column-names.test.ts compiles this file without them to check that the
 * error names the column. Types only: nothing here runs.
 */
import { z } from 'zod';
import {
  Window, acceptedValues, catalogTable, col, count, defineJob, expect, jsonLines, lit, lower, notNull, rowNumber, sum,
  table, unique, when, type Dataset,
} from 'lakeform';

const Event = z.object({ event_id: z.string(), user_id: z.int64(), amount: z.float64().nullable(), ts: z.iso.datetime(), dt: z.iso.date() });
const User = z.object({ user_id: z.int64(), country: z.string() });
const Daily = z.object({ dt: z.iso.date(), events: z.int64() });

declare const events: Dataset<z.output<typeof Event>>;
declare const users: Dataset<z.output<typeof User>>;
const raw = jsonLines({ path: 's3://b/raw/', schema: Event });

// --- expressions given to a verb
// @ts-expect-error names 'amountt'
events.filter(col('amountt').gt(0));
// @ts-expect-error names 'amountt'
events.where(col('amount').gt(col('amountt')));
// @ts-expect-error names 'tss'
events.withColumn('t', col('tss'));
// @ts-expect-error names 'countryy'
events.withColumns({ c: lower('countryy') });
// @ts-expect-error names 'amountt'
events.withColumn('k', when(col('amountt').gt(0), 1).otherwise(0));
// @ts-expect-error names 'amountt'
events.col('amountt');

// --- names given to a verb
// @ts-expect-error names 'user_idd'
events.select('user_idd');
// @ts-expect-error names 'user_idd'
events.select(col('user_idd').as('u'));
// @ts-expect-error names 'dtt'
events.groupBy('dtt');
// @ts-expect-error names 'amountt'
events.groupBy('dt').agg({ total: sum('amountt') });
// @ts-expect-error names 'event_idd'
events.dropDuplicates(['event_idd'], { orderBy: 'ts' });
// @ts-expect-error names 'tss'
events.dropDuplicates(['event_id'], { orderBy: col('tss').desc() });
// @ts-expect-error names 'tss'
events.orderBy('tss');
// @ts-expect-error names 'amountt'
events.orderBy(col('amountt').desc());
// @ts-expect-error names 'amountt'
events.drop('amountt');
// @ts-expect-error names 'amountt'
events.rename({ amountt: 'amt' });

// --- join keys, both sides
// @ts-expect-error names 'user_idd'
events.join(users, 'user_idd');
// @ts-expect-error names 'country'
events.join(users, ['user_id', 'country']);
// @ts-expect-error names 'user_idd'
events.join(users, [{ left: 'user_idd', right: 'user_id' }]);
// @ts-expect-error names 'uid'
events.join(users, [{ left: 'user_id', right: 'uid' }]);

// --- windows: their partition and order columns are checked where the window is used
// @ts-expect-error names 'user_idd'
events.withColumn('n', rowNumber().over(Window.partitionBy('user_idd').orderBy('ts')));
// @ts-expect-error names 'tss'
events.withColumn('n', rowNumber().over(Window.partitionBy('user_id').orderBy(col('tss').desc())));

// --- checks and partition columns, by the declared output schema
defineJob({
  name: 'checked',
  inputs: { raw },
  transform: ({ raw }) => raw,
  output: table('db.events', Event, { partitionBy: ['dt'] }),
  checks: [
    // @ts-expect-error names 'user_idd'
    unique('user_idd'),
    // @ts-expect-error names 'user_idd'
    notNull(['event_id', 'user_idd']),
    // @ts-expect-error names 'event_typ'
    acceptedValues('event_typ', ['view']),
    // @ts-expect-error names 'amountt'
    expect('amount is non-negative', col('amountt').ge(0)),
  ],
});
// @ts-expect-error names 'dtt'
table('db.events', Event, { partitionBy: ['dtt'] });

// --- a catalog-table input typed by the producing job's output schema
defineJob({
  name: 'typed_table',
  inputs: { events: catalogTable<typeof Event>('db.events') },
  // @ts-expect-error names 'user_idd'
  transform: ({ events }) => events.select('user_idd'),
  output: table('db.users'),
});
// @ts-expect-error names 'dtt'
catalogTable<typeof Event>('db.events', { slice: 'dtt' });

// --- the transform's result against the declared output schema
defineJob({
  name: 'lacks_a_column',
  inputs: { raw },
  // @ts-expect-error names 'dt'
  transform: ({ raw }) => raw.groupBy('user_id').agg({ events: count() }),
  output: table('db.daily', Daily),
});
defineJob({
  name: 'extra_column',
  inputs: { raw },
  // @ts-expect-error names 'amount'
  transform: ({ raw }) => raw.groupBy('dt').agg({ events: count(), amount: sum('amount') }),
  output: table('db.daily', Daily),
});
defineJob({
  name: 'text_for_a_number',
  inputs: { raw },
  // @ts-expect-error names 'events'
  transform: ({ raw }) => raw.groupBy('dt').agg({ events: count() }).withColumn('events', lit('many')),
  output: table('db.daily', Daily),
});
