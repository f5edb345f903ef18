/** Checks are bound once, by the analyzer: every consumer (etl run, etl plan/deploy, testJob) sees the same bound checks. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptedValues, col, defineJob, expect as expectCheck, jsonLines, notNull, rowCount, table, unique, type Check } from '../index.ts';
import { analyzeJob } from './job.ts';
import { AnalysisError } from '../errors/index.ts';
import { compileChecks } from '../compile/checks.ts';
import { sparkDialect } from '../compile/sql/dialect.ts';

const Row = z.object({ user_id: z.int64(), country: z.string().nullable(), amount: z.float64().nullable() });

// Checks typed by any names: these tests give the analyzer names the compiler would refuse.
const job = (checks: Check[]) =>
  defineJob({ name: 'checked', inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Row }) }, transform: ({ raw }) => raw, output: table('db.checked', Row), checks: checks as Check<never>[] });

const analyzed = (checks: Check[]) => analyzeJob(job(checks), {}, () => ({ fields: [] }), 'jobs/checked.ts');

function analysisError(checks: Check[]): AnalysisError {
  try {
    analyzed(checks);
  } catch (e) {
    expect(e).toBeInstanceOf(AnalysisError);
    return e as AnalysisError;
  }
  throw new Error('the analyzer accepted the checks');
}

describe('check binding', () => {
  it('refuses a misspelt check column at analysis, naming the job file and suggesting the column', () => {
    const e = analysisError([unique('user_idd')]);
    expect(e.message).toBe("jobs/checked.ts (check unique(user_idd)): column 'user_idd' does not exist");
    expect(e.hint).toBe("did you mean 'user_id'?");
    expect(e.where.column).toBe('user_idd');
  });

  it("names the job file in an expect check's error", () => {
    const e = analysisError([expectCheck('amount is set', col('amount_x').isNotNull())]);
    expect(e.message).toBe("jobs/checked.ts (check 'amount is set'): column 'amount_x' does not exist");
    expect(analysisError([expectCheck('not boolean', col('amount'))]).message).toBe("jobs/checked.ts (check 'not boolean'): the check's expression must be boolean, got double");
  });

  it('binds columns to their position, spelling and type in the output, declared non-null columns first', () => {
    const { checks } = analyzed([notNull('country'), acceptedValues('COUNTRY', ['SE']), rowCount({ min: 1 })]);
    expect(checks.map((c) => [c.kind, c.name])).toEqual([
      ['declaredNotNull', 'user_id is declared non-null'],
      ['notNull', 'notNull(country)'],
      ['acceptedValues', 'acceptedValues(COUNTRY)'],
      ['rowCount', 'rowCount(min 1)'],
    ]);
    const accepted = checks[2];
    expect(accepted.kind === 'acceptedValues' && accepted.column).toEqual({ index: 1, name: 'country', type: { kind: 'string' } });
  });

  it("compiles the bound checks: a column is quoted as the output spells it", () => {
    const a = analyzed([notNull('COUNTRY')]);
    expect(compileChecks(a.checks, a.output.schema, sparkDialect).map((c) => c.sql)).toEqual([
      'SELECT COUNT(CASE WHEN `user_id` IS NULL THEN 1 END) AS failing_rows FROM `__output`',
      'SELECT COUNT(*) - COUNT(`country`) AS failing_rows FROM `__output`',
    ]);
  });
});
