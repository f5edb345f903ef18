/**
 * fromJson's schema argument: a zod schema, a type or Spark's DDL text all reach the type rule as
 * the same DDL literal (the one Spark's from_json reads), and resolve to the same type. The
 * values from_json reads are asserted by cases/from_json.cases, on the local engine and on Spark.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyze } from '../analyze/analyze.ts';
import { sparkDialect } from '../compile/sql/dialect.ts';
import { Dataset, PlanContext } from '../dsl/dataset.ts';
import { AnalysisError } from '../errors/index.ts';
import { Plan } from '../plan/nodes.ts';
import { fromZod } from '../schema/zod.ts';
import { col, decimal, fromJson, types } from '../index.ts';
import type { Literal } from '../plan/expr.ts';
import { T, field, typeToString, type DataType } from '../schema/types.ts';
import { scalarFunctions } from './index.ts';
import { readJson } from './json-read.ts';
import { parseSparkDdl } from './spark-ddl.ts';

const fromJsonRule = scalarFunctions.get('from_json')!.resolve;

/** The type from_json resolves to for a fromJson(...) call of the DSL. */
function resolvedSchema(call: ReturnType<typeof fromJson>): string {
  const node = call.node;
  if (node.kind !== 'call') throw new Error('fromJson built no call');
  const ddl = node.args[1] as Literal;
  const resolved = fromJsonRule([{ type: T.string }, { type: T.string, literal: { value: ddl.value } }]);
  return 'problem' in resolved ? `refused: ${resolved.problem}` : typeToString(resolved);
}

describe('fromJson schemas', () => {
  const event = z.object({
    os: z.string().nullable(),
    version: z.int32().nullable(),
    seq: z.int64().nullable(),
    score: z.number().nullable(),
    amount: decimal(12, 2).nullable(),
    ok: z.boolean().nullable(),
    tags: z.array(z.string()),
    props: z.record(z.string(), z.int32()),
    'odd name`': z.object({ inner: z.array(z.object({ x: z.number() })) }),
  });
  const expected = 'struct<os:string,version:int,seq:bigint,score:double,amount:decimal(12,2),ok:boolean,tags:array<string>,props:map<string,int>,odd name`:struct<inner:array<struct<x:double>>>>';

  it('a zod schema, a type and DDL text resolve to the same type', () => {
    expect(resolvedSchema(fromJson('payload', event))).toBe(expected);
    const asType: DataType = { kind: 'struct', fields: [field('os', T.string), field('n', { kind: 'array', element: T.int64, containsNull: true })] };
    expect(resolvedSchema(fromJson('payload', asType))).toBe('struct<os:string,n:array<bigint>>');
    expect(resolvedSchema(fromJson('payload', 'os STRING, n ARRAY<BIGINT>'))).toBe('struct<os:string,n:array<bigint>>');
    expect(resolvedSchema(fromJson('payload', types.decimal(5, 2)))).toMatch(/^refused: the schema must be a struct, an array or a map/);
  });

  it("every type's DDL, as the Spark SQL renders it, reads back as the same type", () => {
    const type = parseSparkDdl(expected.replace(/^struct<(.*)>$/, 'STRUCT<$1>').replace('odd name`', '`odd name```'));
    if ('problem' in type) throw new Error(type.problem);
    const rendered = sparkDialect.typeName(type);
    expect(rendered).toContain('`odd name```');
    const again = parseSparkDdl(rendered);
    expect('problem' in again ? again.problem : typeToString(again)).toBe(expected);
  });

  it('a zod field lakeform cannot read as Spark does is refused with the way around it', () => {
    expect(resolvedSchema(fromJson('payload', z.object({ at: z.iso.datetime().nullable() })))).toMatch(/a timestamp field is not supported: .* toTimestamp/);
  });

  it('through the analyzer: fields of the read struct by dotted name, and a refusal naming the step', () => {
    const Raw = z.object({ id: z.int64(), payload: z.string().nullable() });
    const raw = new Dataset<z.output<typeof Raw>>(Plan.scan({ step: { label: "input 'raw'" }, input: 'raw', schema: fromZod(Raw) }), new PlanContext());
    const ctx = { job: 'j', file: 'jobs/j.ts' };
    const parsed = raw.withColumn('p', fromJson('payload', z.object({ os: z.string().nullable(), n: z.int32().nullable() }))).select('id', col('p.os'), col('p.n'));
    expect(analyze(parsed.plan, ctx).schema.fields.map((f) => `${f.name}:${typeToString(f.type)}`)).toEqual(['id:bigint', 'os:string', 'n:int']);
    let error: unknown;
    try {
      analyze(raw.withColumn('p', fromJson('payload', 'at TIMESTAMP')).plan, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnalysisError);
    expect((error as AnalysisError).message).toMatch(/from_json.*a timestamp field is not supported/);
    expect((error as AnalysisError).where.step.label).toMatch(/^withColumn #\d+$/);
  });
});

describe("from_json at Jackson's limits (probed on PySpark 3.5; too long for a case file)", () => {
  const ab = parseSparkDdl('a STRING, b INT') as DataType;
  it('an integer of 1000 digits is read, one of 1001 makes the record bad', () => {
    expect(readJson(`{"a":${'9'.repeat(1000)},"b":1}`, ab)).toEqual({ a: '9'.repeat(1000), b: 1 });
    expect(readJson(`{"a":${'9'.repeat(1001)},"b":1}`, ab)).toEqual({ a: null, b: null });
  });
  it('nesting to 1000 levels is read; deeper stops the run (Spark nulls the field or the record, by where the limit trips)', () => {
    const nested = (n: number) => `{"a":${'['.repeat(n)}${']'.repeat(n)},"b":1}`;
    expect(readJson(nested(999), ab)).toEqual({ a: `${'['.repeat(999)}${']'.repeat(999)}`, b: 1 });
    expect(() => readJson(nested(1000), ab)).toThrow(/nested deeper than 1000 levels/);
  });
});
