/**
 * Every bad-input case in every read mode (see cases.ts): rows read = written + bad, each bad
 * record with its line and reason, failfast naming file and line with nothing written, and
 * unreadable files named.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { badInputProject, MODES, runCase, type Mode, type Outcome, type Sandbox } from './harness.ts';
import { CSV_CASES, JSONL_CASES, PARQUET_CASES, type BadInputCase } from './cases.ts';

let box: Sandbox;
beforeAll(() => {
  box = badInputProject();
});

async function run(c: BadInputCase, mode: Mode): Promise<Outcome> {
  if (typeof c.files !== 'function') return runCase(box, c.format, mode, c.files);
  const staged = path.join(box.dir, 'parquet-staging', c.name.replace(/\W+/g, '_'));
  mkdirSync(staged, { recursive: true });
  await c.files(staged);
  const { readdirSync, readFileSync } = await import('node:fs');
  return runCase(box, c.format, mode, Object.fromEntries(readdirSync(staged).map((f) => [f, readFileSync(path.join(staged, f))])));
}

function check(c: BadInputCase, mode: Mode, o: Outcome): void {
  if ('fileError' in c.expect) {
    expect(o.kind, JSON.stringify(o)).toBe('error');
    if (o.kind === 'error') {
      expect(o.name).toBe('InputFileError');
      expect(o.message).toMatch(c.expect.fileError);
    }
    return;
  }
  const bad = c.expect.bad ?? [];
  if (mode === 'failfast' && bad.length) {
    expect(o.kind, JSON.stringify(o)).toBe('error');
    if (o.kind === 'error') {
      expect(o.name).toBe('InputFailFastError');
      expect(o.message).toMatch(new RegExp(`a\\.(jsonl|csv)(\\.gz)?:${bad[0][0]}: `));
      expect(o.message).toMatch(bad[0][1]);
      expect(o.message).toContain('nothing was written');
      expect(o.hint).toContain("onBadRecord: 'permissive'");
    }
    return;
  }
  expect(o.kind, JSON.stringify(o)).toBe('ok');
  if (o.kind !== 'ok') return;
  expect(o.written).toBe(c.expect.written);
  expect(o.badCount).toBe(bad.length);
  expect(o.read).toBe(o.written + o.badCount);
  if (mode === 'dropmalformed') {
    // Counted above, kept nowhere: no quarantine file.
    expect(o.bad).toEqual([]);
  } else {
    expect(o.bad.map((b) => b.line)).toEqual(bad.map(([line]) => line));
    o.bad.forEach((b, i) => expect(b.reason).toMatch(bad[i][1]));
  }
  if (c.expect.rows) c.expect.rows.forEach((row, i) => expect(o.rows[i]).toMatchObject(row));
}

for (const [title, cases, modes] of [
  ['JSON lines', JSONL_CASES, MODES],
  ['CSV', CSV_CASES, MODES],
  ['Parquet', PARQUET_CASES, ['permissive'] as const],
] as const) {
  describe(`bad input: ${title}`, () => {
    for (const c of cases) {
      for (const mode of modes) {
        it(`${c.name} [${mode}]`, async () => check(c, mode, await run(c, mode)));
      }
    }
  });
}
