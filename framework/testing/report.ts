/** How `etl test` reports: a readable diff per failing case, JSON, or JUnit XML for CI. */
import pc from 'picocolors';
import { jsonExact, toJsonText, type Row } from './rows.ts';
import type { CaseResult } from './fixtures.ts';
import { isClean, type RowDiff } from './compare.ts';

const MAX_ROWS_SHOWN = 10;

type Colors = Pick<typeof pc, 'yellow' | 'red' | 'green' | 'bold' | 'dim'>;

const keyText = (key: Row) =>
  Object.entries(key)
    .map(([k, v]) => `${k}=${toJsonText(v)}`)
    .join(', ');

export function caseText(r: CaseResult): string {
  const title = `${r.job} › ${r.name}`;
  if (r.passed) return `${pc.green('✓')} ${title} ${pc.dim(`(${r.durationMs} ms)`)}`;
  const lines = [`${pc.red('✗')} ${pc.bold(title)} ${pc.dim(r.dir)}`];
  for (const p of r.problems) lines.push(`    ${pc.red(p)}`);
  if (r.diff) lines.push(...diffLines(r.diff, '    '));
  return lines.join('\n');
}

/** A row diff as text: counts, then changed rows with their changed columns, missing rows, unexpected rows. */
export function diffLines(d: RowDiff, indent = '', c: Colors = pc): string[] {
  if (isClean(d)) return [];
  const lines = [
    ...d.missingColumns.map(
      (m) => `${indent}${c.red('- column')}     ${m.column}: in ${m.rows} expected row(s), not produced by the job${m.renamedTo ? ` (renamed to ${m.renamedTo.join(' or ')}?)` : ''}`,
    ),
    ...d.unexpectedColumns.map((u) => `${indent}${c.green('+ column')}     ${u.column}: produced by the job, absent from ${u.rows} expected row(s)`),
  ];
  if (d.missingColumns.length || d.unexpectedColumns.length) lines.push(`${indent}${c.dim('(rows compared on the columns both have; etl test --update writes every output column)')}`);
  lines.push(`${indent}${d.matched} row(s) as expected, ${d.changed.length} changed, ${d.missing.length} missing, ${d.unexpected.length} unexpected`);
  for (const ch of d.changed.slice(0, MAX_ROWS_SHOWN)) {
    lines.push(`${indent}${c.yellow('~ changed')}    ${keyText(ch.key)}`);
    for (const col of ch.columns) lines.push(`${indent}    ${c.yellow(col)}: expected ${toJsonText(ch.expected[col])}, got ${c.bold(toJsonText(ch.actual[col]))}`);
  }
  for (const m of d.missing.slice(0, MAX_ROWS_SHOWN)) lines.push(`${indent}${c.red('- missing')}    ${toJsonText(m)}`);
  for (const u of d.unexpected.slice(0, MAX_ROWS_SHOWN)) lines.push(`${indent}${c.green('+ unexpected')} ${toJsonText(u)}`);
  const hidden = Math.max(0, d.changed.length - MAX_ROWS_SHOWN) + Math.max(0, d.missing.length - MAX_ROWS_SHOWN) + Math.max(0, d.unexpected.length - MAX_ROWS_SHOWN);
  if (hidden) lines.push(c.dim(`${indent}… and ${hidden} more (etl test --json shows all)`));
  return lines;
}

export function summaryText(results: readonly CaseResult[], ms: number): string {
  const failed = results.filter((r) => !r.passed).length;
  const jobs = new Set(results.map((r) => r.job)).size;
  const text = `${results.length - failed} passed, ${failed} failed (${results.length} case(s) of ${jobs} job(s)) in ${ms} ms`;
  return failed ? pc.red(text) : pc.green(text);
}

export function resultsJson(results: readonly CaseResult[]) {
  return {
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed).length,
    cases: results.map((r) => ({
      job: r.job,
      case: r.name,
      dir: r.dir,
      passed: r.passed,
      durationMs: r.durationMs,
      problems: r.problems,
      ...(r.diff ? { diff: jsonExact({ matched: r.diff.matched, missingColumns: r.diff.missingColumns, unexpectedColumns: r.diff.unexpectedColumns, missing: r.diff.missing, unexpected: r.diff.unexpected, changed: r.diff.changed }) } : {}),
    })),
  };
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (s: string) => s.replace(ANSI, '');

/** JUnit XML, one test suite per job, as CI systems (GitHub, GitLab, Jenkins) read it. */
export function junitXml(results: readonly CaseResult[]): string {
  const byJob = new Map<string, CaseResult[]>();
  for (const r of results) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);
  const suites = [...byJob.entries()].map(([job, cases]) => {
    const failures = cases.filter((c) => !c.passed).length;
    const time = (cases.reduce((s, c) => s + c.durationMs, 0) / 1000).toFixed(3);
    const body = cases
      .map((c) => {
        const head = `    <testcase classname="etl.${xml(job)}" name="${xml(c.name)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
        if (c.passed) return `${head}/>`;
        const text = plain(caseText(c));
        return `${head}>\n      <failure message="${xml(c.problems[0] ?? 'the output differs from expected.jsonl')}">${xml(text)}</failure>\n    </testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${xml(job)}" tests="${cases.length}" failures="${failures}" time="${time}">\n${body}\n  </testsuite>`;
  });
  const failed = results.filter((r) => !r.passed).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="etl test" tests="${results.length}" failures="${failed}">\n${suites.join('\n')}\n</testsuites>\n`;
}
