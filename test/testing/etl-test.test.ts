/**
 * `etl test` as a user meets it, in a copy of the example project: the example cases pass; an
 * edited expected row gives the diff pinned in golden/ (UPDATE_GOLDEN=1 regenerates it);
 * --update writes the output back; JUnit and JSON reporters; a case that expects a check to fail.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOfTestProject, etlIn } from '../support/project.ts';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden', 'failing-case.txt');
const CASE = 'jobs/fixtures/events_clean/cleans_and_dedupes';

describe('etl test', () => {
  let dir: string;
  const etl = (...args: string[]) => etlIn(dir, args);
  beforeAll(() => {
    dir = copyOfTestProject();
  });

  it('passes the example cases', () => {
    const r = etl('test');
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/4 passed, 0 failed \(4 case\(s\) of 3 job\(s\)\)/);
  });

  it('shows missing, unexpected and changed rows, with the changed columns, when an expected row is edited', () => {
    const file = path.join(dir, CASE, 'expected.jsonl');
    const original = readFileSync(file, 'utf8');
    const [e1, e2] = original.trim().split('\n').map((l) => JSON.parse(l));
    const edited = [
      { ...e2, amount: 20.5, currency: 'EUR' },
      { ...e1, event_id: 'e0' },
    ];
    writeFileSync(file, edited.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = etl('test', 'events_clean');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('1 of 2 test case(s) failed');
    const failing = r.stdout.split('\n').filter((l) => !l.startsWith('✓')).join('\n').replace(/in \d+ ms/, 'in N ms');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, failing);
    }
    expect(failing).toBe(readFileSync(GOLDEN, 'utf8'));

    const json = JSON.parse(etl('test', 'events_clean', '--json').stdout);
    const failed = json.cases.find((c: { passed: boolean }) => !c.passed);
    expect(failed.diff.changed[0].columns).toEqual(['amount', 'currency']);
    expect(failed.diff.missing.map((m: { event_id: string }) => m.event_id)).toEqual(['e0']);
    expect(failed.diff.unexpected.map((m: { event_id: string }) => m.event_id)).toEqual(['e1']);

    const junit = etl('test', '--reporter', 'junit');
    expect(junit.status).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="etl test" tests="4" failures="1">/);
    expect(junit.stdout).toContain('<testcase classname="etl.events_clean" name="cleans_and_dedupes"');
    expect(junit.stdout).toContain('<failure message="the output differs from expected.jsonl">');

    // --update writes the actual output back: the original file, byte for byte.
    expect(etl('test', 'events_clean', '--update').status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(etl('test').status).toBe(0);
  });

  it('tests data-quality rules: a case can expect a check to fail, and fails when it passes instead', () => {
    const caseDir = path.join(dir, 'jobs/fixtures/daily_kpis/no_events');
    mkdirSync(caseDir, { recursive: true });
    writeFileSync(path.join(caseDir, 'events.jsonl'), '');
    writeFileSync(path.join(caseDir, 'users.csv'), 'user_id,name,country,signup_date,plan\n');
    writeFileSync(path.join(caseDir, 'expected.jsonl'), '');
    const unexpected = etl('test', 'daily_kpis');
    expect(unexpected.status).toBe(1);
    expect(unexpected.stdout).toContain('check rowCount(min 1) failed');
    writeFileSync(path.join(caseDir, 'case.json'), JSON.stringify({ expect: { checks: { 'rowCount(min 1)': 'fail' } } }));
    expect(etl('test', 'daily_kpis').status).toBe(0);
    writeFileSync(path.join(caseDir, 'case.json'), JSON.stringify({ expect: { checks: { 'rowCount(min 1)': 'fail', 'unique(dt, country)': 'fail' } } }));
    const wrong = etl('test', 'daily_kpis');
    expect(wrong.stdout).toContain('check unique(dt, country) was expected to fail, but passed');
    writeFileSync(path.join(caseDir, 'case.json'), JSON.stringify({ expect: { checks: { rowCount: 'fail' } }, extra: 1 }));
    const invalid = etl('test', 'daily_kpis');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('case.json is not valid');
  });
});
