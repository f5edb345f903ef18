/**
 * JSONTestSuite (test_parsing: y_ must be accepted, n_ rejected, i_ implementation-defined)
 * through the JSON-lines reader, each document read two ways with the schema {v: string}:
 * - `record`: the document's bytes as a JSON-lines file. A JSON-lines record is an object on one
 *   line (as in Spark), so a y_ document that is an object on one line is one row, any other y_
 *   document is a bad record ("expected a JSON object"); a blank document (n_single_space,
 *   n_structure_no_data, a BOM alone) is no record at all, as a blank line.
 * - `wrapped`: the line {"v":<document>}, for the documents without a line break in them (a
 *   JSON line cannot hold one): a y_ document is read as the compact JSON text of its value
 *   (Spark's rule for a non-string value in a string column), which must parse to what
 *   JSON.parse gives for the document; an n_ document is a bad record.
 * Both ways go through the local reader and the Spark driver's reader (json_suite_driver.py),
 * which must agree on every row, every bad line, and every reason (wording of a syntax error
 * aside: both must start "invalid JSON").
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { valueAt } from '../../framework/columnar/column.ts';
import { readJsonLines } from '../../framework/io/jsonl.ts';
import { T, field, schemaOf } from '../../framework/schema/types.ts';
import { PROJECT_ROOT } from './locate.ts';

export type Mode = 'record' | 'wrapped';

export interface Read {
  readonly rows: (string | null)[][];
  readonly bad: [number, string][];
}

export interface JsonCase {
  readonly file: string;
  readonly mode: Mode;
  readonly expect: 'y' | 'n' | 'i';
  readonly local: Read;
  readonly driver: Read | undefined;
  /** What is wrong with the outcome, if anything (empty for i_ documents: any outcome is allowed, but engines must agree). */
  readonly problems: string[];
}

const SCHEMA = schemaOf([field('v', T.string)]);

export function wrap(doc: Uint8Array): Uint8Array | null {
  let end = doc.length;
  while (end > 0 && (doc[end - 1] === 0x0a || doc[end - 1] === 0x0d)) end--;
  const body = doc.subarray(0, end);
  if (body.includes(0x0a)) return null;
  return Buffer.concat([Buffer.from('{"v":'), body, Buffer.from('}')]);
}

async function readLocal(name: string, bytes: Uint8Array): Promise<Read> {
  const rows: (string | null)[][] = [];
  const bad: [number, string][] = [];
  for await (const b of readJsonLines([{ name, bytes }], { schema: SCHEMA, mode: 'permissive', onBadRecord: (r) => bad.push([r.line, r.reason]) })) {
    for (let i = 0; i < b.length; i++) rows.push([valueAt(b.columns[0], i) as string | null]);
  }
  return { rows, bad };
}

function readWithDriver(dir: string): Record<string, Read> {
  const r = spawnSync('python3', [path.join(PROJECT_ROOT, 'test/conformance/json_suite_driver.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`json_suite_driver.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Read>;
}

/** Control characters make a reason unreadable in a terminal or a log. */
const UNREADABLE = /[\u0000-\u001f\u007f-\u009f]/;

function sameReason(a: string, b: string): boolean {
  return a === b || (a.startsWith('invalid JSON') && b.startsWith('invalid JSON'));
}

function judge(file: string, mode: Mode, doc: Uint8Array, local: Read, driver: Read | undefined): string[] {
  const problems: string[] = [];
  const expect = file[0];
  for (const [line, reason] of local.bad) if (!reason || UNREADABLE.test(reason)) problems.push(`line ${line}: unreadable reason ${JSON.stringify(reason)}`);
  if (driver) {
    if (JSON.stringify(driver.rows) !== JSON.stringify(local.rows)) problems.push(`the driver reads rows ${JSON.stringify(driver.rows).slice(0, 200)}, the local reader ${JSON.stringify(local.rows).slice(0, 200)}`);
    const dl = driver.bad.map(([l]) => l).join(',');
    const ll = local.bad.map(([l]) => l).join(',');
    if (dl !== ll) problems.push(`bad lines differ: driver [${dl}], local [${ll}]`);
    else driver.bad.forEach(([l, r], i) => !sameReason(r, local.bad[i][1]) && problems.push(`line ${l}: the driver says ${JSON.stringify(r)}, the local reader ${JSON.stringify(local.bad[i][1])}`));
  }
  if (expect === 'n') {
    if (local.rows.length) problems.push(`an n_ document gave ${local.rows.length} row(s)`);
    const blank = Buffer.from(doc).toString('latin1').replace(/^\xef\xbb\xbf/, '').trim() === '';
    if (!local.bad.length && !(mode === 'record' && blank)) problems.push('an n_ document gave no bad record');
  }
  if (expect === 'y') {
    const text = Buffer.from(doc).toString('utf8');
    const value = JSON.parse(text) as unknown;
    if (mode === 'wrapped') {
      if (local.rows.length !== 1 || local.bad.length) problems.push(`a y_ document wrapped gave ${local.rows.length} row(s) and ${local.bad.length} bad`);
      else if (!deepEqual(value === null ? null : typeof value === 'string' ? value : JSON.parse(local.rows[0][0] as string), value)) problems.push(`value ${local.rows[0][0]} is not the document's`);
    } else {
      const oneLine = !text.trimEnd().includes('\n');
      const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
      if (oneLine && isObject && (local.rows.length !== 1 || local.bad.length)) problems.push(`a y_ object gave ${local.rows.length} row(s)`);
      if ((!oneLine || !isObject) && (local.rows.length || !local.bad.length)) problems.push('a y_ document that is not an object on one line was not a bad record');
    }
  }
  return problems;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export async function runJsonSuite(dir: string): Promise<JsonCase[]> {
  const driver = readWithDriver(dir);
  const out: JsonCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = readFileSync(path.join(dir, file));
    const ways: [Mode, Uint8Array | null][] = [['record', doc], ['wrapped', wrap(doc)]];
    for (const [mode, bytes] of ways) {
      if (!bytes) continue;
      const local = await readLocal(file, bytes);
      const d = driver[`${file} ${mode}`];
      out.push({ file, mode, expect: file[0] as 'y' | 'n' | 'i', local, driver: d, problems: [...(d ? [] : ['the driver did not read it']), ...judge(file, mode, doc, local, d)] });
    }
  }
  return out;
}
