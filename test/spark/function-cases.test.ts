/**
 * The function case files (framework/functions/cases/) on real Spark: each call group rendered
 * by the function's Spark SQL renderer (the one `etl plan` uses) over a table of its values,
 * every file in one Spark session (function_cases.py) with the session configuration compiled jobs
 * run with. Each case's value, and Spark's typeof()
 * of the result against the type rule's result type, must be what the case file says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CONF } from '../../framework/compile/compile-job.ts';
import { sparkDialect } from '../../framework/compile/sql/dialect.ts';
import { typeToString, type DataType } from '../../framework/schema/types.ts';
import {
  callGroups, canonicalValue, expectedOutcome, mismatch, outcomesFromRows, readCaseFiles, sqlCall, typedValue,
  type CallGroup, type Canonical, type CaseFile, type Outcome, type SqlCall,
} from '../support/function-cases.ts';
import { ROOT } from '../run/helpers.ts';
import { assertSparkInstalled } from './spark.ts';
import { exactSql } from '../support/canonical.ts';

interface Query {
  readonly file: CaseFile;
  readonly group: CallGroup;
  readonly call: SqlCall;
  readonly type: DataType;
  readonly sql: string;
}

type SparkResult = { readonly rows: readonly (readonly unknown[])[] } | { readonly error: string };

const files = readCaseFiles().filter((f) => f.kind);

/** Every group Spark can run: resolved, and only the cases that expect a value. */
function queries(): Query[] {
  return files.flatMap((file) =>
    callGroups(file).flatMap((g) => {
      if ('problem' in g.resolved) return [];
      const cases = g.cases.filter((c) => c.expected.kind === 'value');
      if (cases.length === 0) return [];
      const group = { ...g, cases };
      const type = g.resolved;
      const call = sqlCall(group, sparkDialect);
      // Timestamps and intervals come back as microseconds, dates as days, at any depth (exactSql).
      const sql = call.select((x) => `typeof(${x}), ${exactSql('spark', x, type)}`);
      return [{ file, group, call, type, sql }];
    }),
  );
}

function fromSpark(v: unknown, type: DataType): Canonical {
  const fail = (m: string): never => {
    throw new Error(`Spark's value: ${m}`);
  };
  return canonicalValue(typedValue(v, type, fail, true), type);
}

describe('function case files on Spark', () => {
  const all = queries();
  let results: SparkResult[] = [];
  let seconds = 0;

  beforeAll(() => {
    assertSparkInstalled();
    const dir = mkdtempSync(path.join(tmpdir(), 'etl-function-cases-'));
    const input = path.join(dir, 'queries.json');
    const output = path.join(dir, 'results.json');
    const queries = all.map((q) => ({ columns: q.call.columns.map((c) => [c.name, sparkDialect.typeName(c.type)]), rows: q.call.rows, sql: q.sql }));
    writeFileSync(input, JSON.stringify({ sessionConf: SESSION_CONF, queries }));
    const started = Date.now();
    const r = spawnSync(path.join(ROOT, '.venv/bin/python'), [path.join(ROOT, 'test/spark/function_cases.py'), input, output], { encoding: 'utf8', timeout: 590_000 });
    seconds = (Date.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`function_cases.py failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
    results = JSON.parse(readFileSync(output, 'utf8')) as SparkResult[];
  }, 600_000);

  it('ran every query', () => {
    expect(results.length).toBe(all.length);
    console.log(`${all.length} queries, ${all.reduce((n, q) => n + q.group.cases.length, 0)} cases of ${files.length} files on Spark in ${seconds.toFixed(1)} s`);
  });

  it.each(files.map((f) => [f.file, f] as const))('%s', (_name, file) => {
    const problems: string[] = [];
    all.forEach((q, i) => {
      if (q.file !== file) return;
      const result = results[i];
      let outcomes: Outcome[];
      if ('error' in result) outcomes = q.group.cases.map(() => ({ kind: 'error', text: result.error }));
      else {
        const sparkTypes = new Set(result.rows.map((r) => r[1] as string));
        const ours = q.type.kind === 'null' ? 'void' : typeToString(q.type);
        if ([...sparkTypes].some((t) => t !== ours)) problems.push(`${q.group.block.where}: Spark's result type is ${[...sparkTypes].join(', ')}, the type rule's ${ours} (${q.sql})`);
        outcomes = outcomesFromRows(q.call, q.group, new Map(result.rows.map((r) => [Number(r[0]), fromSpark(r[2], q.type)])));
      }
      q.group.cases.forEach((c, k) => {
        const complaint = mismatch(c, expectedOutcome(c, q.type, q.group.fn.kind), outcomes[k], `Spark (${q.sql})`);
        if (complaint) problems.push(complaint);
      });
    });
    expect(problems).toEqual([]);
  });
});
