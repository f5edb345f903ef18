/**
 * The full reliability run, and the generator of docs/reliability.md:
 *
 *   npm run reliability -- [--trials 100] [--seed 1]
 *
 * 1. Kill trials: `etl run events_clean` over a table it already wrote, killed with SIGKILL at
 *    a random moment of its run (reading, writing, committing, updating the catalog). After each
 *    kill the table's files and catalog must be exactly as before the run, or, when the kill came
 *    after the commit point, exactly as after it once the next command rolls it forward; DuckDB
 *    must read a whole table; no lock may block the rerun; and the rerun must succeed.
 * 2. The bad-input matrix of test/reliability/bad-input/cases.ts in every read mode.
 * Then docs/reliability.md and docs/reliability.json are written from the figures.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, duckdbRows, etl, etlKilledAfter, sandbox } from '../test/run/helpers.ts';
import { tableState } from '../test/support/table-state.ts';
import { treeChecksums } from '../test/support/tree.ts';
import { seededRandom } from '../test/support/random.ts';
import { badInputProject, MODES, runCase, type Mode, type Outcome } from '../test/reliability/bad-input/harness.ts';
import { CSV_CASES, JSONL_CASES, PARQUET_CASES, type BadInputCase } from '../test/reliability/bad-input/cases.ts';

const { values: args } = parseArgs({ options: { trials: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' } } });
const trials = Number(args.trials);
const random = seededRandom(Number(args.seed));

interface TrialResult {
  readonly delayMs: number;
  /** What the kill left before any other command ran. */
  readonly leftAs: 'before' | 'commit pending' | 'after' | 'finished' | 'mixed';
  readonly ok: boolean;
  readonly problem?: string;
}

async function killTrials(): Promise<{ results: TrialResult[]; runMs: number }> {
  const subset = path.join(sandbox().dir, 'subset');
  mkdirSync(subset, { recursive: true });
  cpSync(path.join(ROOT, 'sample/events/2026/11/01/12'), path.join(subset, '2026/11/01/12'), { recursive: true });
  const second = ['run', 'events_clean', '--input', `raw=${subset}`];

  const reference = sandbox();
  if (etl(reference, ['run', 'events_clean']).status !== 0) throw new Error('the reference run failed');
  const before = tableState(reference);
  const started = performance.now();
  if (etl(reference, second).status !== 0) throw new Error('the reference second run failed');
  const runMs = performance.now() - started;
  const after = tableState(reference);

  const results: TrialResult[] = [];
  for (let i = 0; i < trials; i++) {
    // From process start to a little past its end, so kills land in every phase, loading included.
    const delayMs = Math.round(50 + random() * runMs * 1.1);
    const box = sandbox();
    etl(box, ['run', 'events_clean']);
    // Every file of the table and the catalog, names and bytes.
    const exactly = () => treeChecksums(box.dir, ['warehouse/analytics/events', 'state/catalog']);
    const untouched = exactly();
    const killed = await etlKilledAfter(box, second, delayMs);
    const state = tableState(box);
    const journals = path.join(box.warehouse, '_etl_journal');
    const pending = existsSync(journals) && readdirSync(journals).length > 0;
    // Killed runs must leave the old table, a pending journal, or (killed after the commit
    // completed, while cleaning up) the new table; never anything in between.
    const leftAs: TrialResult['leftAs'] = !killed.killed ? 'finished' : pending ? 'commit pending' : state === before ? 'before' : state === after ? 'after' : 'mixed';
    const problems: string[] = [];
    if (leftAs === 'mixed') problems.push('the table is neither the old one nor the new one');
    if (leftAs === 'before' && JSON.stringify(exactly()) !== JSON.stringify(untouched)) problems.push('killed before the commit point, but a file of the table or the catalog changed');
    if (leftAs === 'finished' && state !== after) problems.push('finished, but the table is not the finished state');
    if (leftAs !== 'commit pending') {
      const rows = await duckdbRows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path.join(box.warehouse, 'analytics', 'events')}/**/*.parquet')`).catch((e: Error) => [{ n: `unreadable: ${e.message}` }]);
      if (!(Number(rows[0].n) > 0)) problems.push(`DuckDB read ${String(rows[0].n)} rows`);
    }
    const rerun = etl(box, second);
    if (rerun.status !== 0) problems.push(`the rerun failed: ${rerun.stderr.trim().split('\n')[0]}`);
    if (tableState(box) !== after) problems.push('after the rerun the table is not the finished state');
    if (existsSync(path.join(box.state, 'locks', 'analytics.events.lock'))) problems.push('a lock was left behind');
    results.push({ delayMs, leftAs, ok: problems.length === 0, ...(problems.length ? { problem: problems.join('; ') } : {}) });
    process.stderr.write(`\rkill trials: ${i + 1}/${trials}`);
  }
  process.stderr.write('\n');
  return { results, runMs };
}

interface CaseResult {
  readonly name: string;
  readonly format: string;
  readonly note: string;
  readonly outcomes: Record<string, string>;
  readonly passed: boolean;
}

function describeOutcome(o: Outcome): string {
  if (o.kind === 'error') return `${o.name === 'InputFailFastError' ? 'stops' : 'fails'}: ${o.message.split('\n')[0].replace(/^.*?\/cases\/\d+\//, '').replace(/\/tmp\/\S+\/cases\/\d+/, '<folder>')}`;
  const bad = o.bad.map((b) => `line ${b.line}: ${b.reason}`);
  return `${o.written} written, ${o.badCount} bad${bad.length ? ` (${bad.join('; ')})` : ''}`;
}

function matches(c: BadInputCase, mode: Mode, o: Outcome): boolean {
  if ('fileError' in c.expect) return o.kind === 'error' && o.name === 'InputFileError' && c.expect.fileError.test(o.message);
  const bad = c.expect.bad ?? [];
  if (mode === 'failfast' && bad.length) return o.kind === 'error' && o.name === 'InputFailFastError' && o.message.includes(`:${bad[0][0]}: `);
  return o.kind === 'ok' && o.written === c.expect.written && o.badCount === bad.length && o.read === o.written + o.badCount && o.bad.every((b, i) => b.line === bad[i][0] && bad[i][1].test(b.reason));
}

async function badInputMatrix(): Promise<CaseResult[]> {
  const box = badInputProject();
  const out: CaseResult[] = [];
  for (const c of [...JSONL_CASES, ...CSV_CASES, ...PARQUET_CASES]) {
    const outcomes: Record<string, string> = {};
    let passed = true;
    for (const mode of c.format === 'parquet' ? (['permissive'] as const) : MODES) {
      let files = c.files;
      if (typeof files === 'function') {
        const staged = path.join(box.dir, 'staged', String(out.length), mode);
        mkdirSync(staged, { recursive: true });
        await files(staged);
        const { readFileSync } = await import('node:fs');
        files = Object.fromEntries(readdirSync(staged).map((f) => [f, readFileSync(path.join(staged, f))]));
      }
      const o = await runCase(box, c.format, mode, files);
      outcomes[mode] = describeOutcome(o);
      passed &&= matches(c, mode, o);
    }
    out.push({ name: c.name, format: c.format, note: c.note, outcomes, passed });
  }
  return out;
}

const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 160);

function markdown(kills: { results: TrialResult[]; runMs: number }, cases: CaseResult[], when: string): string {
  const survived = kills.results.filter((r) => r.ok).length;
  const by = (k: TrialResult['leftAs']) => kills.results.filter((r) => r.leftAs === k).length;
  const failures = kills.results.filter((r) => !r.ok);
  return `# Reliability

Generated by \`npm run reliability\` (scripts/reliability.ts) on ${when}, ${os.cpus().length} cores; do not edit by hand.
The same checks run in \`npm test\` on a smaller scale (test/reliability/).

## Killed runs

\`etl run events_clean\` over a table it had already written, killed with SIGKILL at a random
moment between 50 ms and 1.1 × its normal duration (${Math.round(kills.runMs)} ms), over ${kills.results.length} trials.

| outcome | trials |
|---|---|
| killed before the commit point: every file of the table and the catalog exactly as before (checksums) | ${by('before')} |
| killed after the commit point: journal pending, rolled forward by the next command | ${by('commit pending')} |
| killed after the commit completed (while cleaning up): table and catalog exactly as after | ${by('after')} |
| finished before the kill | ${by('finished')} |
| left a mix of old and new (must be 0) | ${by('mixed')} |
| **survived** (state as required, DuckDB reads a whole table, no lock left, rerun succeeds) | **${survived} / ${kills.results.length}** |
${failures.length ? `\nFailures:\n\n${failures.map((f) => `- at ${f.delayMs} ms (${f.leftAs}): ${f.problem}`).join('\n')}\n` : ''}
## Faults covered by the test suites

| fault | outcome | test |
|---|---|---|
| two \`etl run\` of one table at once | the second is refused naming the holder's process; the table is whole | test/reliability/concurrency.test.ts |
| ten processes updating the local catalog | every update lands; the file stays whole JSON | test/catalog/local-concurrency.test.ts |
| a lock left by a killed process | taken over with a notice, never blocks | framework/catalog/fs-atomic.test.ts, kill trials |
| Glue \`ConcurrentModificationException\` on UpdateTable | re-read, re-checked against the new version, retried (bounded) | test/catalog/glue-faults.test.ts |
| throttling (Glue, S3, EMR) | retried with backoff through the SDK (6 attempts), then the code and a hint | test/catalog/glue-faults.test.ts, test/deploy/throttling.test.ts |
| partial failure of BatchCreatePartition | raced partitions updated, others named in the error | test/catalog/glue-faults.test.ts |
| \`ResourceNumberLimitExceededException\` | named, with \`etl schema prune\` as the way out | test/catalog/glue-faults.test.ts |
| lost AddJobFlowSteps response | the step is found by name; never added twice | test/deploy/submit-faults.test.ts |
| S3 upload interrupted | plan.json goes last, so no step can refer to half an upload | test/deploy/submit-faults.test.ts |
| expired or missing credentials | the AWS error code and how to sign in again; no secret printed | test/deploy/submit-faults.test.ts |
| secrets in output | CLI output of the AWS suite scanned for keys, tokens, signed URLs, account ids: none | test/deploy/moto-cli.test.ts |
| random input lines, random expressions | fast-check properties (readers round-trip; engine = DuckDB) | test/reliability/fuzz.test.ts |

## Bad input

${cases.filter((c) => c.passed).length} of ${cases.length} cases as expected in every read mode.
Rows read = rows written + bad records in every case that reads.

| case | format | permissive | dropmalformed | failfast | note |
|---|---|---|---|---|---|
${cases.map((c) => `| ${c.passed ? '' : '**FAILED** '}${escape(c.name)} | ${c.format} | ${escape(c.outcomes.permissive ?? '')} | ${escape(c.outcomes.dropmalformed ?? 'n/a')} | ${escape(c.outcomes.failfast ?? 'n/a')} | ${escape(c.note)} |`).join('\n')}

Hostile partition values (\`../x\`, \`a/b\`, \`=\`, \`%\`, newline, empty, null) and hostile identifiers
in generated SQL are covered by test/compile/hostile.test.ts and, on real Spark, test/spark/edge.test.ts.
`;
}

const started = new Date();
const cases = await badInputMatrix();
const kills = await killTrials();
mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
const when = started.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
writeFileSync(path.join(ROOT, 'docs', 'reliability.md'), markdown(kills, cases, when));
writeFileSync(path.join(ROOT, 'docs', 'reliability.json'), JSON.stringify({ when, trials: kills.results.length, survived: kills.results.filter((r) => r.ok).length, runMs: Math.round(kills.runMs), kills: kills.results, cases }, null, 2) + '\n');
const survived = kills.results.filter((r) => r.ok).length;
const casesPassed = cases.filter((c) => c.passed).length;
process.stdout.write(`kill trials: ${survived}/${kills.results.length} survived; bad-input cases: ${casesPassed}/${cases.length} as expected; docs/reliability.md written\n`);
if (survived < kills.results.length || casesPassed < cases.length) process.exitCode = 1;
