/**
 * The case files of framework/functions/cases/ (format: the README.md there) on the local
 * engine and on DuckDB; test/spark/function-cases.test.ts runs the same files on real Spark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbDialect } from '../compile/sql/dialect.ts';
import { typeToString, type DataType } from '../schema/types.ts';
import {
  CAST, allFunctionNames, callGroups, parseCaseFile, canonicalValue, caseFileName, evaluateLocally, expectedOutcome, mismatch, outcomesFromRows, readCaseFiles, sqlCall, typedValue,
  type Canonical, type CaseFile, type Outcome,
} from '../../test/support/function-cases.ts';
import { didYouMean } from '../errors/index.ts';
import { duckdbExactSql } from '../../test/support/canonical.ts';

const files: CaseFile[] = readCaseFiles();

describe('function case files', () => {
  it('every registry function has a case file, and every case file names a registry function', () => {
    const byName = new Map(files.map((f) => [f.name, f]));
    const missing = [...allFunctionNames(), CAST].filter((n) => !byName.has(n)).map((n) => `${n}: no case file (expected framework/functions/cases/${caseFileName(n)})`);
    const unknown = files.filter((f) => !f.kind).map((f) => {
      const hint = didYouMean(f.name, allFunctionNames());
      return `${f.file}: no registry function ${f.name}${hint ? ` (${hint})` : ''}`;
    });
    const misnamed = files.filter((f) => f.kind && f.file !== caseFileName(f.name)).map((f) => `${f.file}: the case file of ${f.name} is named ${caseFileName(f.name)}`);
    expect([...missing, ...unknown, ...misnamed]).toEqual([]);
  });

  it.each(files.filter((f) => f.kind).map((f) => [f.file, f] as const))('%s on the local engine', (_name, file) => {
    const problems: string[] = [];
    for (const group of callGroups(file)) {
      const outcomes = evaluateLocally(group);
      const type = 'problem' in group.resolved ? undefined : group.resolved;
      // Compared by name: the names are what `returns` lines say (an array's containsNull is no part of them).
      if (type && group.block.returns && typeToString(group.block.returns) !== typeToString(type)) {
        const complaint = `${group.block.where}: returns ${typeToString(group.block.returns)}, but the type rule gives ${typeToString(type)}`;
        if (!problems.includes(complaint)) problems.push(complaint);
      }
      group.cases.forEach((c, i) => {
        const complaint = mismatch(c, expectedOf(c, type, group.fn.kind), outcomes[i], 'the local engine');
        if (complaint) problems.push(complaint);
      });
    }
    expect(problems).toEqual([]);
  });
});

/** A refused expectation where the function resolved still compares (and fails) as a refusal. */
function expectedOf(c: Parameters<typeof expectedOutcome>[0], type: DataType | undefined, kind: Parameters<typeof expectedOutcome>[2]): Outcome {
  if (c.expected.kind !== 'value') return c.expected;
  return type ? expectedOutcome(c, type, kind) : { kind: 'value', value: null };
}

describe('the case file parser', () => {
  it('names the file and line of a problem', () => {
    const parse = (text: string) => () => parseCaseFile('x.cases', text);
    expect(parse('args int32\n1 => 1')).toThrow(/^x\.cases:1: the file must start with `function <name>`/);
    expect(parse('function abs\nargs int32\n"a" => 1')).toThrow(/^x\.cases:3: "a" is not a value of type int/);
    expect(parse('function abs\nargs int33\n1 => 1')).toThrow(/^x\.cases:2: unknown type 'int33'/);
    expect(parse('function abs\nargs int32\n1, 2 => 1')).toThrow(/^x\.cases:3: 2 arguments where `args` declares 1/);
    expect(parse('function abs\nargs int32\n1 -> 1')).toThrow(/^x\.cases:3: a case needs `=>`/);
    expect(parse('function cast\nargs int32\n1 => 1')).toThrow(/^x\.cases:2: a cast block needs `returns <type>`/);
    expect(parse('function sum\nargs int32\n1 => 1')).toThrow(/^x\.cases:3: the group's rows must be a JSON array/);
  });

  it('reads `#` inside JSON strings as text, and literal arguments by their values', () => {
    const file = parseCaseFile('x.cases', 'function like\nargs string, lit string  # the pattern\n"#1", "#%" => true # a comment\n');
    const [group] = callGroups(file);
    expect(group.cases[0].args).toEqual(['#1', '#%']);
    expect(group.argInfo[1]).toEqual({ type: { kind: 'string' }, literal: { value: '#%' } });
  });
});

describe('function case files on DuckDB', () => {
  let conn: DuckDBConnection;
  beforeAll(async () => {
    const db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    await conn.run("SET TimeZone = 'UTC'");
  });
  afterAll(() => conn?.closeSync());

  const onDuckdb = files.filter((f) => f.kind && f.blocks.some((b) => !b.duckdbDiffers));
  it.each(onDuckdb.map((f) => [f.file, f] as const))('%s', async (_name, file) => {
    const problems: string[] = [];
    for (const group of callGroups(file)) {
      if (group.block.duckdbDiffers || 'problem' in group.resolved) continue;
      const type = group.resolved;
      const cases = group.cases.filter((c) => c.expected.kind === 'value');
      if (cases.length === 0) continue;
      const call = sqlCall({ ...group, cases }, duckdbDialect);
      await conn.run(`CREATE OR REPLACE TABLE t (${call.columns.map((c) => `"${c.name}" ${duckdbDialect.typeName(c.type)}`).join(', ')})`);
      if (call.rows.length) await conn.run(`INSERT INTO t VALUES ${call.rows.map((r) => `(${r.join(', ')})`).join(', ')}`);
      const sql = call.select((x) => duckdbExactSql(x, type));
      let outcomes: Outcome[];
      try {
        const rows = (await conn.runAndReadAll(sql)).getRows();
        const values = new Map<number, Canonical>(rows.map(([id, v]) => [Number(id), fromDuckdb(v, type)]));
        outcomes = outcomesFromRows(call, { ...group, cases }, values);
      } catch (e) {
        outcomes = cases.map(() => ({ kind: 'error', text: (e as Error).message }));
      }
      cases.forEach((c, i) => {
        const complaint = mismatch(c, expectedOutcome(c, type, group.fn.kind), outcomes[i], `DuckDB (${sql})`);
        if (complaint) problems.push(complaint);
      });
    }
    expect(problems).toEqual([]);
  });
});

function fromDuckdb(v: unknown, type: DataType): Canonical {
  const fail = (m: string): never => {
    throw new Error(`DuckDB's value: ${m}`);
  };
  if (v === null) return null;
  switch (type.kind) {
    case 'int32':
    case 'date':
      return canonicalValue(Number(v), type);
    case 'int64':
    case 'timestamp':
      return canonicalValue(BigInt(v as bigint), type);
    case 'decimal':
      return canonicalValue(typedValue(String(v), type, fail), type);
    case 'array':
    case 'struct':
    case 'map':
      return canonicalValue(duckdbPlain(v), type);
    default:
      return canonicalValue(v, type);
  }
}

/** DuckDB's nested values as plain ones: lists as arrays, structs as objects, maps as [key, value] pairs. */
function duckdbPlain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if ('items' in v) return (v as { items: unknown[] }).items.map(duckdbPlain);
  if ('entries' in v) {
    const entries = (v as { entries: unknown }).entries;
    if (Array.isArray(entries)) return (entries as { key: unknown; value: unknown }[]).map((e) => [duckdbPlain(e.key), duckdbPlain(e.value)]);
    return Object.fromEntries(Object.entries(entries as Record<string, unknown>).map(([k, x]) => [k, duckdbPlain(x)]));
  }
  return v;
}
