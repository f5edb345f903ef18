/** Terminal output shared by commands: errors, tables, progress, JSON. */
import { createRequire } from 'node:module';
import pc from 'picocolors';
import type TableType from 'cli-table3';
import type CliProgress from 'cli-progress';
import { EtlError, escapeControlCharacters } from '../errors/index.ts';
import { valueAt, type Batch } from '../columnar/column.ts';
import { batchRows, jsonExact, toTestValue } from '../testing/rows.ts';
import type { DataType, DatasetSchema } from '../schema/types.ts';

// Table and progress-bar libraries load only when a person is shown one (not for --json).
const require = createRequire(import.meta.url);

/** Prints an error for a person and returns the exit code. */
export function reportError(e: unknown, debug: boolean): number {
  // Names and values quoted into a message may hold control characters: shown, not obeyed.
  const shown = (text: string) => escapeControlCharacters(text, true);
  if (e instanceof EtlError) {
    process.stderr.write(`${pc.red('error')}: ${shown(e.message)}\n`);
    if (e.hint) process.stderr.write(`  ${pc.dim('hint:')} ${shown(e.hint)}\n`);
    if (debug) process.stderr.write(`${pc.dim(e.stack ?? '')}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${pc.red('error')}: ${shown(err.message)}\n`);
  process.stderr.write(debug ? `${pc.dim(err.stack ?? '')}\n` : `  ${pc.dim('(an unexpected error; run again with --debug for the stack trace)')}\n`);
  return 1;
}

/**
 * A count with thousands separators, as `toLocaleString('en-US')` writes it (1,234,567). Not
 * through Intl: its first use loads ICU's number formatting, about 20 ms of every `etl run`.
 */
export function formatCount(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString('en-US');
  return String(x).replace(/\B(?=(\d{3})+$)/g, ',');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

export function table(head: string[], rows: (string | number)[][]): string {
  const Table = require('cli-table3') as typeof TableType;
  const t = new Table({ head: head.map((h) => pc.bold(h)), style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** A progress bar on stderr when it is a terminal; a no-op otherwise (CI logs, --json). */
export function progressBar(enabled: boolean, label: string) {
  if (!enabled || !process.stderr.isTTY) return { update: (_d: number, _t: number) => {}, stop: () => {} };
  const cliProgress = require('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    { format: `${label} ${pc.cyan('{bar}')} {percentage}% | {value}/{total} MB`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done: number, total: number) {
      const mb = (n: number) => Math.round((n / 1e6) * 10) / 10;
      if (!started) {
        bar.start(mb(total), 0);
        started = true;
      }
      bar.update(mb(done));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Progress over a sequence of steps (a backfill's slices) on stderr when it is a terminal: one
 * bar, with lines logged above it; without a terminal, the lines alone.
 */
export function stepProgress(enabled: boolean, total: number, unit: string) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (!enabled || !process.stderr.isTTY) return { start: (_i: number, _label: string) => {}, log, stop: () => {} };
  const cliProgress = require('cli-progress') as typeof CliProgress;
  const multi = new cliProgress.MultiBar({ format: `${pc.cyan('{bar}')} {value}/{total} ${unit} | {label}`, hideCursor: true, clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  const bar = multi.create(total, 0, { label: '' });
  return {
    start: (i: number, label: string) => bar.update(i, { label }),
    log: (line: string) => multi.log(`${line}\n`),
    stop: () => {
      bar.update(total);
      multi.stop();
    },
  };
}

/** A stored value for a table cell: as testJob shows it (decimals as text, nested booleans as booleans), timestamps as Spark prints them. */
export function formatValue(v: unknown, type: DataType): string {
  if (v === null || v === undefined) return pc.dim('null');
  if (type.kind === 'timestamp') return formatTimestamp(v as bigint);
  const shown = toTestValue(v, type);
  if (typeof shown === 'object') return JSON.stringify(jsonExact(shown));
  return String(shown);
}

export function formatTimestamp(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const iso = new Date(ms - (ms % 1000 + 1000) % 1000).toISOString().slice(0, 19).replace('T', ' ');
  return frac === 0n ? iso : `${iso}.${frac.toString().padStart(6, '0').replace(/0+$/, '')}`;
}

export function batchesToTable(schema: DatasetSchema, batches: readonly Batch[]): string {
  const rows: string[][] = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) rows.push(b.columns.map((c, k) => formatValue(valueAt(c, i), schema.fields[k].type)));
  }
  return table(schema.fields.map((f) => f.name), rows);
}

/** Rows as JSON-ready objects (timestamps as ISO strings, int64 as strings when beyond 2^53). */
export function batchesToObjects(schema: DatasetSchema, batches: readonly Batch[]): Record<string, unknown>[] {
  // As testJob shows rows (decimals as text, dates and timestamps as ISO text, binary as base64,
  // booleans as booleans at any depth), with integers as JSON numbers while they are exact.
  return batches.flatMap((b) => batchRows(b).map((row) => jsonExact(row) as Record<string, unknown>));
}
