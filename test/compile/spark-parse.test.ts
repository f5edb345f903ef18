/**
 * Every Spark SQL statement `etl plan` generates parses with dt-sql-parser's Spark SQL
 * grammar: the job's program and each data check, for the three examples.
 */
import { describe, expect, it } from 'vitest';
import { PROJECT_JOBS, planTexts, sparkSqlProblems } from './helpers.ts';

describe('generated Spark SQL parses', () => {
  it('the parser check can fail: broken or stacked statements are reported', () => {
    expect(sparkSqlProblems('SELECT `a` FROM t WHERE `a` = 1')).toEqual([]);
    expect(sparkSqlProblems('SELEC 1')).not.toEqual([]);
    expect(sparkSqlProblems('SELECT `a`b` FROM t')).not.toEqual([]);
    expect(sparkSqlProblems("SELECT 'a'b' FROM t")).not.toEqual([]);
    expect(sparkSqlProblems('SELECT 1; DROP TABLE t')).toEqual(['2 statements, expected 1']);
    // A carriage return ends a `--` comment in Spark's lexer: what follows is SQL again.
    expect(sparkSqlProblems('WITH\n  -- step\r DROP\n  s AS (SELECT 1)\nSELECT * FROM s')).not.toEqual([]);
  });

  for (const job of PROJECT_JOBS) {
    it(`${job}: the program and every check`, async () => {
      const { compiled } = await planTexts(job);
      expect(sparkSqlProblems(compiled.artifact.sql)).toEqual([]);
      expect(compiled.artifact.checks.length).toBeGreaterThan(0);
      for (const check of compiled.artifact.checks) expect({ check: check.name, problems: sparkSqlProblems(check.sql) }).toEqual({ check: check.name, problems: [] });
    });
  }
});
