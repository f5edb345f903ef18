/**
 * Typed errors, grouped by the phase that raises them. Each says what failed, where (job file,
 * step, column) and how to fix it; the CLI prints `message` without a stack unless --debug.
 */
import path from 'node:path';
import type { Step } from '../plan/nodes.ts';

export type Phase = 'config' | 'load' | 'params' | 'analysis' | 'compile' | 'input' | 'execution' | 'check' | 'commit' | 'catalog' | 'deploy' | 'internal';

export abstract class EtlError extends Error {
  abstract readonly phase: Phase;
  /** Process exit code for the CLI. */
  readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Unknown job, unknown input override, bad CLI usage. */
export class UsageError extends EtlError {
  override readonly name: string = 'UsageError';
  readonly phase: Phase = 'config';
  override readonly exitCode = 2;
}

export class JobLoadError extends EtlError {
  override readonly name: string = 'JobLoadError';
  readonly phase: Phase = 'load';
  constructor(
    readonly file: string,
    problem: string,
    hint?: string,
  ) {
    super(`${file}: ${problem}`, hint);
  }
}

export class ParamError extends EtlError {
  override readonly name: string = 'ParamError';
  readonly phase: Phase = 'params';
  override readonly exitCode = 2;
}

export interface AnalysisLocation {
  readonly job: string;
  readonly file?: string;
  readonly step: Step;
  readonly column?: string;
}

export class AnalysisError extends EtlError {
  override readonly name: string = 'AnalysisError';
  readonly phase: Phase = 'analysis';
  constructor(
    readonly where: AnalysisLocation,
    readonly problem: string,
    hint?: string,
  ) {
    // One line by construction: a name quoted into it may not break it or drive the terminal.
    super(escapeControlCharacters(`${where.step.location ?? where.file ?? `job '${where.job}'`} (${where.step.label}): ${problem}`), hint === undefined ? undefined : escapeControlCharacters(hint));
  }
}

/** The job is valid but cannot be compiled for the cluster (an AWS limit, say). */
export class CompileError extends EtlError {
  override readonly name: string = 'CompileError';
  readonly phase: Phase = 'compile';
  override readonly exitCode = 2;
}

/** A data check that failed a run: what it found, and some of the rows it failed on. */
export interface CheckFailure {
  readonly name: string;
  readonly message: string;
  /** How many rows failed (1 for a row count out of bounds). */
  readonly failingRows: number;
  /** Up to 10 of the failing rows, whole, ready for JSON (int64 beyond 2^53 as text, timestamps as ISO-8601). */
  readonly sampleRows: readonly Record<string, unknown>[];
}

export class CheckFailedError extends EtlError {
  override readonly name: string = 'CheckFailedError';
  readonly phase: Phase = 'check';
  constructor(
    readonly failures: readonly CheckFailure[],
    readonly table: string,
    readonly job: { readonly name: string; readonly file?: string },
  ) {
    super(
      `${failures.length} data check${failures.length === 1 ? '' : 's'} of ${job.file ?? `job '${job.name}'`} failed on ${table}; nothing was written:\n` + failures.map(describeFailure).join('\n'),
      'fix the data or the transform, or lower the check to { severity: "warn" }',
    );
  }
}

/** A failure and the rows it shows. */
function describeFailure(f: CheckFailure): string {
  return [`  ✗ ${escapeControlCharacters(f.name)}: ${escapeControlCharacters(f.message)}`, ...failingRowLines(f)].join('\n');
}

/** A failed check's sample rows, one JSON object a line (JSON text escapes control characters), and how many more fail. */
export function failingRowLines(f: Pick<CheckFailure, 'failingRows' | 'sampleRows'>): string[] {
  const more = f.failingRows - f.sampleRows.length;
  const rows = f.sampleRows.map((r) => `      ${JSON.stringify(r)}`);
  if (rows.length && more > 0) rows.push(`      … and ${more} more failing row${more === 1 ? '' : 's'}`);
  return rows;
}

/**
 * A computation Spark itself fails on (so the job would fail on the cluster): the local run
 * fails the same way instead of producing a value Spark never would.
 */
export class SparkArithmeticError extends EtlError {
  override readonly name: string = 'SparkArithmeticError';
  readonly phase: Phase = 'execution';
}

/**
 * A data value the run stops on: one Spark fails the job on (malformed base64), or one whose Spark
 * result lakeform cannot hold or reproduce (a JSON map with a repeated key), rather than give a
 * different value than Spark would.
 */
export class DataValueError extends EtlError {
  override readonly name: string = 'DataValueError';
  readonly phase: Phase = 'execution';
}

export class CommitError extends EtlError {
  override readonly name: string = 'CommitError';
  readonly phase: Phase = 'commit';
}

export class CatalogError extends EtlError {
  override readonly name: string = 'CatalogError';
  readonly phase: Phase = 'catalog';
}

/**
 * A broken invariant of lakeform itself, not a mistake of the user's: the way out is a bug report.
 * Thrown where a case "cannot happen" because an earlier stage (the analyzer, mostly) rules it out.
 */
export class InternalError extends EtlError {
  override readonly name: string = 'InternalError';
  readonly phase: Phase = 'internal';
  override readonly exitCode = 70; // EX_SOFTWARE
  constructor(problem: string) {
    super(`internal error: ${problem}`, 'this is a lakeform bug, please report it with the output of the same command run with --debug');
  }
}

/** Closest candidates to a misspelt name, for "did you mean". */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: { c: string; d: number }[] = [];
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(name.length, c.length) / 3));
    if (d <= limit || c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase())) scored.push({ c, d });
  }
  return scored.sort((a, b) => a.d - b.d || a.c.localeCompare(b.c)).slice(0, max).map((s) => s.c);
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s.length ? `did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/**
 * Text as a message may show it: control characters (a name or value quoted into a message may
 * hold an escape sequence, a tab or a NUL) written as \\uXXXX, so a terminal shows what is there
 * instead of obeying it. `keepNewlines` for text whose lines are the message's own.
 */
export function escapeControlCharacters(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A path for a message: relative to the working directory when it lies below it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
