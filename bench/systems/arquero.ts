/**
 * The three jobs in Arquero 7, written as a careful user would: Arquero has no gzip JSON-lines or
 * Parquet I/O, so lines are JSON.parse'd into columns (user_id taken from its digits: JSON.parse
 * rounds ids beyond 2^53), Parquet is read and written through parquet-wasm and Arrow
 * (flechette, Arquero's own Arrow library).
 *
 * Arquero works on JavaScript values, so Spark's types need care (shared/NOTES.md):
 *  - timestamps are kept as numbers of microseconds (exact below 2^53; a Date keeps only ms)
 *    and written as TIMESTAMP(MICROS, UTC) from a BigInt64Array;
 *  - user_id is a BigInt (ids beyond 2^53);
 *  - op.lag gives undefined on a partition's first row, and sums skip nulls, so null
 *    semantics are spelt out.
 */
import { gunzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as aq from 'arquero';
import {
  Column, batchType, float64, int64, map, struct, field, tableFromColumns, tableFromIPC, tableToIPC, timestamp, utf8,
  columnFromArray, TimeUnit, type DataType,
} from '@uwdata/flechette';
import * as pq from 'parquet-wasm/node';
import { report, taskFromArgv, type SystemTask } from './protocol.ts';

const { op } = aq;
type AqTable = ReturnType<typeof aq.table>;

const task = taskFromArgv();

// ---------- jobs

function eventsClean(): number {
  const raw = readEvents(task.raw);
  const t = raw
    .filter((d) => d.event_id != null)
    .derive({
      dt: (d) => op.floor(d.ts / 86_400_000_000),
      currency: (d) => (d.currency == null ? null : op.upper(op.trim(d.currency))),
      page: (d) => (d.page == null || op.trim(d.page) === '' ? null : op.trim(d.page)),
    })
    // Firehose delivers at least once: keep the earliest row per event_id
    .groupby('event_id')
    .orderby('ts')
    .filter(() => op.row_number() === 1)
    .ungroup()
    .unorder();
  return writePartitioned(t, ['event_id', 'user_id', 'event_type', 'ts', 'amount', 'currency', 'page', 'device', 'properties'], {
    event_id: utf8(), user_id: int64(), event_type: utf8(), ts: TS, amount: float64(), currency: utf8(), page: utf8(),
    device: struct([field('os', utf8()), field('app_version', utf8())]),
    properties: map(utf8(), utf8()),
  });
}

function userSessions(): number {
  const events = readTable(task.events, ['user_id', 'event_id', 'ts', 'event_type', 'amount']);
  const t = events
    .groupby('user_id')
    .orderby('ts', 'event_id')
    // ts is in microseconds: a gap of 30:00.000001 is a new session
    .derive({ new_session: (d) => (op.lag(d.ts) == null || d.ts - op.lag(d.ts) > 1_800_000_000 ? 1 : 0) })
    // running count of session starts (a rolling frame from the partition start to the row)
    .derive({ session_number: aq.rolling((d: { new_session: number }) => op.sum(d.new_session)) })
    .ungroup()
    .unorder()
    .derive({
      is_view: (d) => (d.event_type === 'view' ? 1 : 0),
      is_purchase: (d) => (d.event_type === 'purchase' ? 1 : 0),
      purchase_amount: (d) => (d.event_type === 'purchase' ? d.amount : null),
    })
    .groupby('user_id', 'session_number')
    .rollup({
      session_start: (d) => op.min(d.ts),
      session_end: (d) => op.max(d.ts),
      events: () => op.count(),
      page_views: (d) => op.sum(d.is_view),
      purchases: (d) => op.sum(d.is_purchase),
      revenue_values: (d) => op.valid(d.purchase_amount),
      revenue_sum: (d) => op.sum(d.purchase_amount),
    })
    .derive({
      // whole seconds of the elapsed time
      duration_seconds: (d) => op.floor((d.session_end - d.session_start) / 1_000_000),
      revenue: (d) => (d.revenue_values > 0 ? d.revenue_sum : 0),
      dt: (d) => op.floor(d.session_start / 86_400_000_000),
      // named by user and start: yyyyMMddHHmmss and the microseconds
      session_id: aq.escape((d: { user_id: bigint; session_start: number }) => {
        const iso = new Date(Math.floor(d.session_start / 1000)).toISOString();
        return `${d.user_id}-${iso.slice(0, 19).replace(/\D/g, '')}${String(d.session_start % 1_000_000).padStart(6, '0')}`;
      }),
    });
  return writePartitioned(t, ['user_id', 'session_id', 'session_start', 'session_end', 'duration_seconds', 'events', 'page_views', 'purchases', 'revenue'], {
    user_id: int64(), session_id: utf8(), session_start: TS, session_end: TS, duration_seconds: int64(), events: int64(),
    page_views: int64(), purchases: int64(), revenue: float64(),
  });
}

function dailyKpis(): number {
  const events = readTable(task.events, ['user_id', 'event_type', 'amount', 'dt']);
  const users = aq.fromCSV(readFileSync(task.users, 'utf8'), { parse: { user_id: (v: string) => BigInt(v) }, autoType: false }).select('user_id', 'country');
  const t = events
    .join_left(users, 'user_id')
    .derive({
      country: (d) => (d.country == null ? 'unknown' : d.country),
      is_purchase: (d) => (d.event_type === 'purchase' ? 1 : 0),
      purchase_amount: (d) => (d.event_type === 'purchase' ? d.amount : null),
    })
    .groupby('dt', 'country')
    .rollup({
      active_users: (d) => op.distinct(d.user_id),
      events: () => op.count(),
      purchases: (d) => op.sum(d.is_purchase),
      revenue_values: (d) => op.valid(d.purchase_amount),
      revenue_sum: (d) => op.sum(d.purchase_amount),
    })
    .derive({ revenue: (d) => (d.revenue_values > 0 ? d.revenue_sum : 0) });
  return writePartitioned(t, ['country', 'active_users', 'events', 'purchases', 'revenue'], {
    country: utf8(), active_users: int64(), events: int64(), purchases: int64(), revenue: float64(),
  });
}

// ---------- reading

/** Firehose gzip JSON lines into an Arquero table (no row objects kept: one array per column). */
function readEvents(dir: string): AqTable {
  const cols = { event_id: [] as (string | null)[], user_id: [] as bigint[], event_type: [] as string[], ts: [] as number[], amount: [] as (number | null)[], currency: [] as (string | null)[], page: [] as (string | null)[], device: [] as unknown[], properties: [] as unknown[] };
  for (const file of listFiles(dir, '.gz')) {
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      // user_id as a string, so ids beyond 2^53 stay exact
      const r = JSON.parse(line.replace(/"user_id":(-?\d+)/, '"user_id":"$1"')) as Record<string, unknown>;
      cols.event_id.push((r.event_id as string | null) ?? null);
      cols.user_id.push(BigInt(r.user_id as string));
      cols.event_type.push(r.event_type as string);
      cols.ts.push(parseTimestampMicros(r.ts as string));
      cols.amount.push((r.amount as number | null) ?? null);
      cols.currency.push((r.currency as string | null) ?? null);
      cols.page.push((r.page as string | null) ?? null);
      cols.device.push(r.device ?? null);
      cols.properties.push(r.properties ? Object.entries(r.properties) : null);
    }
  }
  return aq.table(cols);
}

const TS_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/** ISO-8601 with any UTC offset -> epoch microseconds (Date.parse keeps only milliseconds). */
function parseTimestampMicros(s: string): number {
  const m = TS_PATTERN.exec(s);
  if (!m) throw new Error(`not a timestamp: ${s}`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const fraction = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  return (ms - offsetMinutes * 60_000) * 1000 + fraction;
}

/**
 * A Hive-partitioned Parquet table (dt=YYYY-MM-DD folders) into an Arquero table: the wanted
 * columns through parquet-wasm and flechette; timestamps from their int64 microseconds, dt
 * (from the folder name) as a day number.
 */
function readTable(dir: string, columns: readonly string[]): AqTable {
  const out: Record<string, unknown[]> = Object.fromEntries(columns.map((c) => [c, []]));
  const fileColumns = columns.filter((c) => c !== 'dt');
  for (const file of listFiles(dir, '.parquet')) {
    const day = /dt=(\d{4}-\d{2}-\d{2})/.exec(file)?.[1];
    const arrow = tableFromIPC(pq.readParquet(readFileSync(file), { columns: fileColumns }).intoIPCStream(), { useBigInt: true });
    for (const c of fileColumns) {
      const col = arrow.getChild(c);
      const target = out[c];
      if (col.type.typeId === 10 /* Timestamp */) {
        for (const b of col.data) for (const v of b.values as BigInt64Array) target.push(Number(v));
      } else {
        for (const v of col) target.push(v);
      }
    }
    if (columns.includes('dt')) {
      const n = Date.parse(`${day}T00:00:00Z`) / 86_400_000;
      for (let i = 0; i < arrow.numRows; i++) out.dt.push(n);
    }
  }
  return aq.table(out);
}

function listFiles(dir: string, extension: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(extension)).map((f) => path.join(dir, f)).sort();
}

// ---------- writing

const TS = timestamp(TimeUnit.MICROSECOND, 'UTC');

/** One Parquet file per dt (a day number) in dt=YYYY-MM-DD/, the listed columns with the given Arrow types. */
function writePartitioned(t: AqTable, columns: readonly string[], types: Record<string, DataType>): number {
  const days = (t.rollup({ days: (d) => op.array_agg_distinct(d.dt) }).get('days', 0) as number[]).sort((a, b) => a - b);
  let rows = 0;
  for (const day of days) {
    const part = t.params({ day }).filter((d: { dt: number }, $: { day: number }) => d.dt === $.day);
    const dir = path.join(task.out, `dt=${new Date(day * 86_400_000).toISOString().slice(0, 10)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'part-0.parquet'), toParquet(part, columns, types));
    rows += part.numRows();
  }
  return rows;
}

function toParquet(t: AqTable, columns: readonly string[], types: Record<string, DataType>): Uint8Array {
  const arrow = tableFromColumns(
    Object.fromEntries(
      columns.map((name) => {
        const values = t.array(name) as unknown[];
        return [name, types[name] === TS ? timestampColumn(values as number[]) : columnFromArray(values, types[name])];
      }),
    ),
  );
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).build();
  return pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(arrow, { format: 'stream' })!), props);
}

/** A non-null TIMESTAMP(MICROS, UTC) column from microsecond numbers (flechette's builder takes milliseconds). */
function timestampColumn(micros: readonly number[]): Column<unknown> {
  const values = new BigInt64Array(micros.length);
  for (let i = 0; i < micros.length; i++) values[i] = BigInt(micros[i]);
  const Batch = batchType(TS);
  return new Column([new Batch({ length: values.length, nullCount: 0, type: TS, validity: new Uint8Array(0), values })]);
}

const jobs: Record<SystemTask['job'], () => number> = { events_clean: eventsClean, user_sessions: userSessions, daily_kpis: dailyKpis };
report({ rowsOut: jobs[task.job]() });
