/**
 * Declarative test cases, one folder each: `jobs/fixtures/<job>/<case>/` holding
 *
 *   <input>.jsonl | <input>.csv | <input>.parquet | <input>/   the rows of each input, in the
 *                                  input's format (a catalog-table input takes .jsonl or .parquet)
 *   expected.jsonl                 the output rows the job must produce
 *   case.json                      optional: { "description", "params", "floatTolerance",
 *                                  "expect": { "checks": { "<check>": "fail" | "pass" },
 *                                              "badRecords": [{ "input", "line", "reason" }] } }
 *
 * Failed checks and bad records fail a case unless it expects them.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JobDefinition } from '../dsl/job.ts';
import { EtlError, UsageError } from '../errors/index.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { compareRows, isClean, pairingKey, type RowDiff } from './compare.ts';
import { jsonExact, type Row } from './rows.ts';
import { testJob, type TestJobResult } from './test-job.ts';

export const FIXTURES_DIR = path.join('jobs', 'fixtures');

const CaseFile = z
  .object({
    description: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    floatTolerance: z.number().positive().optional(),
    expect: z
      .object({
        checks: z.record(z.string(), z.enum(['pass', 'fail'])).default({}),
        badRecords: z.array(z.object({ input: z.string(), line: z.int().positive(), reason: z.string().optional() })).default([]),
      })
      .strict()
      .default({ checks: {}, badRecords: [] }),
  })
  .strict();
export type CaseSpec = z.output<typeof CaseFile>;

export interface FixtureCase {
  readonly job: string;
  readonly name: string;
  /** The case folder, relative to the project root. */
  readonly dir: string;
  readonly spec: CaseSpec;
  /** Input name -> file or folder. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly expectedFile: string;
}

export function discoverCases(root: string, job: JobDefinition): FixtureCase[] {
  const jobDir = path.join(root, FIXTURES_DIR, job.name);
  if (!existsSync(jobDir)) return [];
  return readdirSync(jobDir)
    .filter((d) => statSync(path.join(jobDir, d)).isDirectory())
    .sort()
    .map((name) => loadCase(root, job, path.join(jobDir, name)));
}

function loadCase(root: string, job: JobDefinition, dir: string): FixtureCase {
  const rel = path.relative(root, dir);
  const caseFile = path.join(dir, 'case.json');
  let spec: CaseSpec;
  try {
    spec = CaseFile.parse(existsSync(caseFile) ? JSON.parse(readFileSync(caseFile, 'utf8')) : {});
  } catch (e) {
    const detail = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') : (e as Error).message;
    throw new UsageError(`${path.join(rel, 'case.json')} is not valid: ${detail}`, 'see README.md, "Testing your job", for the fields of case.json');
  }
  const entries = readdirSync(dir);
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(job.inputs)) {
    const hit = entries.find((e) => e === name || e.startsWith(`${name}.`));
    if (!hit) throw new UsageError(`${rel}: no rows for input '${name}'`, `add ${path.join(rel, `${name}.jsonl`)} (or .csv/.parquet, the input's format); an empty file means no rows`);
    inputs[name] = path.join(dir, hit);
  }
  return { job: job.name, name: path.basename(dir), dir: rel, spec, inputs, expectedFile: path.join(dir, 'expected.jsonl') };
}

export interface CaseResult {
  readonly job: string;
  readonly name: string;
  readonly dir: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly diff?: RowDiff;
  /** Other reasons the case failed: checks, bad records, a missing expected file, an error. */
  readonly problems: readonly string[];
}

/** The columns of the job's first `unique` check: they identify a row in a diff. */
export function keyColumns(job: JobDefinition, schema: DatasetSchema): string[] {
  return pairingKey(job.checks, schema);
}

/** expected.jsonl as --update writes it: JSON that JSON.parse reads exactly, so integers beyond 2^53 become strings. */
export function expectedText(rows: readonly Row[]): string {
  return rows.map((r) => JSON.stringify(jsonExact(r))).join('\n') + (rows.length ? '\n' : '');
}

/** Parses expected.jsonl; integers beyond 2^53 are written as strings there. */
export function readExpected(file: string): Row[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.flatMap((l, i) => {
    if (!l.trim()) return [];
    try {
      return [JSON.parse(l) as Row];
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, 'one JSON object per line; run etl test --update to write the current output');
    }
  });
}

/** What a run of a case produced, locally or on Spark. */
export interface CaseOutcome {
  readonly rows: readonly Row[];
  readonly badRecords: readonly { readonly input: string; readonly line: number; readonly reason: string }[];
  readonly checks: readonly { readonly name: string; readonly passed: boolean; readonly severity: 'error' | 'warn'; readonly message?: string }[];
  readonly schema: DatasetSchema;
  readonly ordered: boolean;
  /** false when a failed check stopped the write (the Spark driver writes nothing then): rows are not compared. */
  readonly rowsWritten?: boolean;
}

export async function runCase(root: string, job: JobDefinition, c: FixtureCase, options: { tableSchemas?: Record<string, DatasetSchema>; file?: string; update?: boolean }): Promise<CaseResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let result: TestJobResult;
  try {
    result = await testJob(job, { params: c.spec.params, inputs: c.inputs, ...(options.tableSchemas ? { tableSchemas: options.tableSchemas } : {}), ...(options.file ? { file: options.file } : {}) });
  } catch (e) {
    // A case's report shows the error's way out under it, as the CLI shows it for a command.
    return judge(job, c, { error: e instanceof EtlError && e.hint ? `${e.message}\n  ${e.hint}` : (e as Error).message }, elapsed());
  }
  if (options.update) writeFileSync(c.expectedFile, expectedText(result.rows));
  return judge(job, c, { outcome: result }, elapsed());
}

/** Holds an outcome against the case: expected rows, checks and bad records. `durationMs` is the case's own run time. */
export function judge(job: JobDefinition, c: FixtureCase, run: { outcome: CaseOutcome } | { error: string }, durationMs: number): CaseResult {
  const problems: string[] = [];
  const done = (extra: Partial<CaseResult>): CaseResult => ({ job: c.job, name: c.name, dir: c.dir, passed: problems.length === 0 && (!extra.diff || isClean(extra.diff)), durationMs, problems, ...extra });
  if ('error' in run) {
    problems.push(`the job failed: ${run.error}`);
    return done({});
  }
  const result = run.outcome;
  for (const check of result.checks) {
    const wanted = c.spec.expect.checks[check.name];
    const detail = check.message ? `: ${check.message}` : '';
    if (wanted === 'fail' && check.passed) problems.push(`check ${check.name} was expected to fail, but passed`);
    if (wanted === 'pass' && !check.passed) problems.push(`check ${check.name} failed${detail}`);
    if (wanted === undefined && !check.passed && check.severity === 'error') problems.push(`check ${check.name} failed${detail} (add "expect": { "checks": { "${check.name}": "fail" } } to case.json if that is the point)`);
  }
  for (const name of Object.keys(c.spec.expect.checks)) {
    if (!result.checks.some((r) => r.name === name)) problems.push(`case.json expects check '${name}', which the job does not have (its checks: ${result.checks.map((r) => r.name).join(', ')})`);
  }
  const expectedBad = [...c.spec.expect.badRecords];
  for (const b of result.badRecords) {
    const i = expectedBad.findIndex((x) => x.input === b.input && x.line === b.line && (!x.reason || b.reason.includes(x.reason)));
    if (i >= 0) expectedBad.splice(i, 1);
    else problems.push(`unexpected bad record in ${b.input}, line ${b.line}: ${b.reason}`);
  }
  for (const x of expectedBad) problems.push(`expected a bad record in ${x.input}, line ${x.line}${x.reason ? ` (${x.reason})` : ''}, but there was none`);

  if (result.rowsWritten === false) return done({});
  if (!existsSync(c.expectedFile)) {
    problems.push(`${path.join(c.dir, 'expected.jsonl')} is missing; run etl test ${c.job} --update to write the current output, then review it`);
    return done({});
  }
  const diff = compareRows(result.schema, readExpected(c.expectedFile), result.rows, {
    ordered: result.ordered,
    keyColumns: keyColumns(job, result.schema),
    ...(c.spec.floatTolerance ? { tolerance: c.spec.floatTolerance } : {}),
  });
  return done({ diff });
}
