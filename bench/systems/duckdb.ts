/**
 * The DuckDB reference: the hand-written SQL in bench/duckdb/<job>.sql (not compiled by
 * lakeform, so it checks our engine against an independent implementation), on one thread.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { report, taskFromArgv } from './protocol.ts';

const SQL_DIR = process.env.BENCH_DUCKDB_SQL ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'duckdb');
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const task = taskFromArgv();
const values: Record<string, string> = {
  raw: quote(path.join(task.raw, '**', '*.gz')),
  events: quote(path.join(task.events, '**', '*.parquet')),
  users: quote(task.users),
  out: quote(task.out),
};
const sql = readFileSync(path.join(SQL_DIR, `${task.job}.sql`), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
  if (!(k in values)) throw new Error(`${task.job}.sql: unknown placeholder {{${k}}}`);
  return values[k];
});

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
await conn.run(`SET threads = 1; SET TimeZone = 'UTC'; SET preserve_insertion_order = false;`);
const result = await conn.runAndReadAll(sql);
// COPY returns the number of rows written
const rowsOut = Number(result.getRows()[0]?.[0] ?? 0);
conn.closeSync();
report({ rowsOut });
