/**
 * Hostile names and values: columns named `` a`b ``, `select`, `x;--`, `a b` and `a"b`, and
 * string literals holding quotes, backslashes, newlines, `;--` and `${...}`, through filter,
 * withColumn, dropDuplicates, join, window, groupBy, union, sort and limit. The Spark SQL
 * must parse as one statement, and the DuckDB rendering of the same plan must give the local
 * engine's rows.
 * Partition values with `/` and `=` are written Hive-escaped and read back as they were.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuckDBInstance } from '@duckdb/node-api';
import { defineJob, jsonLines, table, col, lit, concat, count, max, sum, lag, Window, unique, acceptedValues, expect as expectCheck, notNull, rowCount, type JobDefinition } from '../../framework/index.ts';
import { buildPlan } from '../../framework/dsl/job.ts';
import { analyze } from '../../framework/analyze/analyze.ts';
import { bindOutput, type BoundOutput } from '../../framework/analyze/output.ts';
import { AnalysisError } from '../../framework/errors/index.ts';
import type { BoundPlan } from '../../framework/analyze/bound.ts';
import { inputViewName, renderQuery } from '../../framework/compile/sql/render.ts';
import { duckdbDialect, sparkDialect } from '../../framework/compile/sql/dialect.ts';
import { compileChecks, OUTPUT_VIEW } from '../../framework/compile/checks.ts';
import { compileJob } from '../../framework/compile/compile-job.ts';
import { LOCAL_PLACEHOLDER_ENV } from '../../framework/config/config.ts';
import { prepareChecks } from '../../framework/run/checks.ts';
import { bindChecks, type BoundCheck } from '../../framework/analyze/checks.ts';
import { findProject } from '../../framework/run/project.ts';
import { prepareJob, runJob } from '../../framework/run/run-job.ts';
import { openInput } from '../../framework/run/inputs.ts';
import { writeParquet } from '../../framework/io/parquet.ts';
import { concatBatches, emptyBatch, type Batch } from '../../framework/columnar/column.ts';
import type { DatasetSchema } from '../../framework/schema/types.ts';
import { batch, rowsOf } from '../../framework/engine/test-helpers.ts';
import { runBoth } from '../oracle/oracle.ts';
import { ROOT, sparkSqlProblems } from './helpers.ts';

/** Every character that has broken a SQL renderer somewhere. */
const NASTY = `it's a \\ "quote"\nnew line; -- not a comment */ \${env:HOME} \${x}`;

const Raw = z.object({
  'a`b': z.string().nullable(),
  select: z.int32().nullable(),
  'x;--': z.string().nullable(),
  'a b': z.number().nullable(),
  'a"b': z.string().nullable(),
});
const Other = z.object({ 'a`b': z.string(), 'select;2': z.int32() });

// Rows as the engine stores them: [a`b, select, x;--, a b, a"b].
const RAW_ROWS = [
  ['k1', 1, 'one', 1.5, NASTY],
  ['k1', 2, NASTY, 2.5, 'plain'],
  [NASTY, 3, 'three', -1, NASTY],
  ['k2', 4, null, null, 'plain'],
  ['k2', 5, 'five', 0.25, null],
  [null, 6, 'six', 3, NASTY],
  ["it's", 7, 'a\\b', 4, 'plain'],
];
const OTHER_ROWS = [
  ['k1', 10],
  ['k2', 20],
  [NASTY, 30],
];

/** The second input; input names must be identifiers (they become Spark view names). */
const ODD_INPUT = 'other';
const ODD_VIEW = sparkDialect.quoteIdentifier(inputViewName(ODD_INPUT));
/** An input named like an attack on the SQL comment that names its step and on the view name. */
const ATTACK_INPUT = 'other\r\nDROP TABLE x; -- ${user.name}';

const hostileJob = (transform: JobDefinition['transform'], output = table('test.hostile')) =>
  defineJob({
    name: 'hostile',
    inputs: {
      raw: jsonLines({ path: 's3://b/raw/', schema: Raw }),
      [ODD_INPUT]: jsonLines({ path: 's3://b/other/', schema: Other }),
    },
    transform,
    output,
  }) as unknown as JobDefinition;

const rowWise: JobDefinition['transform'] = ({ raw }) =>
  raw
    .filter(col('a`b').ne(lit(NASTY)).or(col('a`b').isNull()))
    .withColumn('x;--', concat(col('x;--'), lit(NASTY)))
    .withColumn('a"b is nasty', col('a"b').eq(lit(NASTY)))
    .withColumn('select', col('select').plus(1))
    .withColumn('lit', lit(NASTY))
    .filter(col('a b').gt(0).or(col('a b').isNull()));

const relational: JobDefinition['transform'] = (inputs) =>
  inputs.raw
    .filter(col('a`b').isNotNull())
    .dropDuplicates(['a`b', 'a"b'], { orderBy: col('select').desc() })
    .join(inputs[ODD_INPUT], 'a`b', 'left')
    .withColumn('prev x;--', lag('x;--').over(Window.partitionBy('a`b').orderBy('select')))
    .groupBy('a`b', 'a"b')
    .agg({ 'n;--': count(), 'sum a b': sum('a b'), 'max`': max('prev x;--'), 'select;2': max('select;2') });

const setOps: JobDefinition['transform'] = ({ raw }) =>
  raw
    .unionByName(raw.withColumn('select', col('select').plus(100)))
    .orderBy(col('select').desc(), 'a`b')
    .limit(9);

function inputsOf(job: JobDefinition): { plan: BoundPlan; inputs: Record<string, Batch> } {
  const p = buildPlan(job, {}, () => {
    throw new Error('no catalog tables here');
  });
  const plan = analyze(p.root, { job: job.name, file: 'jobs/hostile.ts' });
  return { plan, inputs: { raw: batch(p.inputSchemas.raw, RAW_ROWS), [ODD_INPUT]: batch(p.inputSchemas[ODD_INPUT], OTHER_ROWS) } };
}

describe('hostile column names and literals', () => {
  for (const [name, transform] of [
    ['filter and withColumn', rowWise],
    ['dropDuplicates, join, window and groupBy', relational],
    ['unionByName, orderBy and limit', setOps],
  ] as const) {
    it(`${name}: Spark SQL parses as one statement; DuckDB gives the local engine's rows`, async () => {
      const { plan, inputs } = inputsOf(hostileJob(transform));
      const spark = renderQuery(plan, sparkDialect).sql;
      expect(sparkSqlProblems(spark)).toEqual([]);
      // Nothing for Spark's variable substitution (spark.sql.variable.substitute) to replace but the view name.
      expect(spark.replaceAll(ODD_VIEW, '')).not.toMatch(/\$\{/);
      const r = await runBoth(plan, inputs);
      expect(r.engine.length).toBeGreaterThan(1);
      expect(r.duckdb).toEqual(r.engine);
    });
  }

  it('the hostile values survive: the literal and the names come back unchanged', async () => {
    const { plan, inputs } = inputsOf(hostileJob(rowWise));
    const r = await runBoth(plan, inputs);
    expect(plan.schema.fields.map((f) => f.name)).toEqual(['a`b', 'select', 'x;--', 'a b', 'a"b', 'a"b is nasty', 'lit']);
    const rows = r.duckdb.map((x) => JSON.parse(x) as unknown[]);
    expect(rows.every((row) => row[6] === NASTY)).toBe(true);
    expect(rows.find((row) => row[0] === 'k1' && row[1] === 3)).toEqual(['k1', 3, NASTY + NASTY, 2.5, 'plain', false, NASTY]);
    expect(rows.some((row) => row[0] === NASTY)).toBe(false);
  });

  it('an input named like an attack is refused before any SQL is made', () => {
    const job = defineJob({
      name: 'attack',
      inputs: { [ATTACK_INPUT]: jsonLines({ path: 's3://b/other/', schema: Other }) },
      transform: (inputs) => inputs[ATTACK_INPUT],
      output: table('test.attack'),
    }) as unknown as JobDefinition;
    expect(() => inputsOf(job)).toThrow(/input name 'other\r\nDROP TABLE x; -- \$\{user.name\}' is not an identifier/);
  });

  it('Spark string literals unescape to the original value and hide ${...} from variable substitution', () => {
    for (const value of [NASTY, '\\', "'", '${', '$\\{', '\\${x}', '\\%_', 'tab\there', 'cr\r\nlf', '\u0000', 'é ✓', '']) {
      const literal = sparkDialect.stringLiteral(value);
      expect(sparkSqlProblems(`SELECT ${literal} AS v`)).toEqual([]);
      expect(literal).not.toMatch(/\$\{/);
      expect(sparkUnescape(literal)).toBe(value);
    }
  });
});

describe('data checks with hostile values', () => {
  const CHECKED = table('test.checked', z.object({ key: z.string().nullable(), text: z.string().nullable(), amount: z.number().nullable(), n: z.int32() }));
  const job = defineJob({
    name: 'checked',
    inputs: { raw: jsonLines({ path: 's3://b/raw/', schema: Raw }) },
    transform: ({ raw }) => raw.select(col('a`b').as('key'), col('x;--').as('text'), col('a b').as('amount'), col('select').as('n')),
    output: CHECKED,
    checks: [
      acceptedValues('key', [NASTY, 'k1', 'k2'], { name: `accepted ${NASTY}` }),
      acceptedValues('text', [NASTY, 'one', 'three', 'five', 'six']),
      // A double is accepted when JavaScript's String() of it is listed (as the local run compares): 4 is not '4.0'.
      acceptedValues('amount', [1.5, 2.5, -1, 0.25, 3, '4.0', true]),
      acceptedValues('n', [1, 2, 3, '4']),
      acceptedValues('n', [], { name: 'nothing accepted' }),
      unique('key'),
      notNull(['key', 'text']),
      expectCheck(`text is not ${NASTY}`, col('text').ne(lit(NASTY))),
    ],
  }) as unknown as JobDefinition;

  function bound(): { output: BoundOutput; checks: BoundCheck[]; inputs: Record<string, Batch> } {
    const p = buildPlan(job, {}, () => {
      throw new Error('no catalog tables here');
    });
    const output = bindOutput(analyze(p.root, { job: job.name }), job.output, { job: job.name });
    return { output, checks: bindChecks(job.checks!, output, { job: job.name }), inputs: { raw: batch(p.inputSchemas.raw, RAW_ROWS) } };
  }

  it('compile to Spark SQL that parses, with the whole job', () => {
    const { output, checks } = bound();
    const compiled = compileJob({ loaded: { job, file: 'jobs/checked.ts' }, params: {}, plan: output.plan, output, slicing: { windows: {} }, checks }, LOCAL_PLACEHOLDER_ENV);
    expect(sparkSqlProblems(compiled.artifact.sql)).toEqual([]);
    expect(compiled.artifact.checks).toHaveLength(job.checks!.length + 1);
    for (const c of compiled.artifact.checks) {
      expect({ check: c.name, problems: sparkSqlProblems(c.sql) }).toEqual({ check: c.name, problems: [] });
      expect(c.sql).not.toMatch(/\$\{/);
    }
  });

  it('count the same failing rows on DuckDB as the local run does', async () => {
    const { output, checks, inputs } = bound();
    const r = await runBoth(output.plan, inputs);
    expect(r.duckdb).toEqual(r.engine);

    const result = batch(output.schema, r.engine.map((row) => JSON.parse(row) as unknown[]));
    const running = prepareChecks(checks)();
    for (const c of running) c.add(result);
    const local = running.map((c) => c.result()).map((c) => ({ name: c.name, failing: c.failingRows }));

    const dir = mkdtempSync(path.join(tmpdir(), 'etl-checks-'));
    const file = path.join(dir, 'output.parquet');
    await writeParquet(file, result, output.schema, { compression: 'none' });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run(`CREATE VIEW ${duckdbDialect.quoteIdentifier(OUTPUT_VIEW)} AS SELECT * FROM read_parquet(${duckdbDialect.stringLiteral(file)})`);
      const duck: { name: string; failing: number }[] = [];
      for (const c of compileChecks(checks, output.schema, duckdbDialect)) {
        const rows = (await conn.runAndReadAll(c.sql)).getRowObjectsJson();
        duck.push({ name: c.name, failing: Number(rows[0].failing_rows) });
      }
      expect(duck).toEqual(local);
    } finally {
      conn.closeSync();
    }
    // The example data fails some checks on purpose, so agreement is not agreement on zero.
    expect(local.filter((c) => c.failing > 0).map((c) => c.name)).toEqual([`accepted ${NASTY}`, 'acceptedValues(text)', 'acceptedValues(amount)', 'acceptedValues(n)', 'nothing accepted', 'unique(key)', 'notNull(key, text)', `text is not ${NASTY}`]);
  });
});

describe('output column names', () => {
  const analyzed = (transform: JobDefinition['transform']) => {
    const job = hostileJob(transform);
    const p = buildPlan(job, {}, () => {
      throw new Error('no catalog tables here');
    });
    return { job, plan: analyze(p.root, { job: job.name, file: 'jobs/hostile.ts' }) };
  };

  for (const [bad, suggestion] of [
    ['a b', 'a_b'],
    ['select;--', 'select___'],
    ['Amount', 'amount'],
  ] as const) {
    it(`refuses output column '${bad}', naming it and saying how to rename it`, () => {
      const { job, plan } = analyzed(({ raw }) => raw.select(col('select').as(bad)));
      let error: unknown;
      try {
        bindOutput(plan, job.output, { job: job.name, file: 'jobs/hostile.ts' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AnalysisError);
      const e = error as AnalysisError;
      expect(e.message).toContain(`column '${bad}' is not a valid Glue/Athena column name`);
      expect(e.where.column).toBe(bad);
      expect(e.hint).toContain('lowercase letters, digits and underscores');
      expect(e.hint).toContain(`.rename({ '${bad}': '${suggestion}' })`);
    });
  }

  it('hostile intermediate names are fine once the output renames them', () => {
    const { job, plan } = analyzed(({ raw }) => raw.withColumn('x;--', lit(NASTY)).rename({ 'a`b': 'a_b', select: 'sel', 'x;--': 'x', 'a b': 'a_b2', 'a"b': 'a_b3' }));
    const out = bindOutput(plan, job.output, { job: job.name });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['a_b', 'sel', 'x', 'a_b2', 'a_b3']);
    expect(sparkSqlProblems(renderQuery(out.plan, sparkDialect).sql)).toEqual([]);
  });
});

describe('partition values with / and =', () => {
  it('are written Hive-escaped by a local run and read back as they were', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etl-partitions-'));
    // The job files import the framework and zod from this repository (they live in a temporary project).
    const framework = pathToFileURL(path.join(ROOT, 'framework/index.ts')).href;
    const zod = pathToFileURL(path.join(ROOT, 'node_modules/zod/index.js')).href;
    const values = ['a/b', 'k=v', '../up', '100%', 'plain', null];
    mkdirSync(path.join(dir, 'jobs'));
    mkdirSync(path.join(dir, 'sample'));
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(path.join(dir, 'sample', 'rows.jsonl'), values.map((segment, i) => JSON.stringify({ id: i, segment })).join('\n') + '\n');
    writeFileSync(
      path.join(dir, 'jobs', 'parts.ts'),
      `import { z } from '${zod}';
import { defineJob, jsonLines, table } from '${framework}';
const Row = z.object({ id: z.int32(), segment: z.string().nullable() });
export default defineJob({
  name: 'parts',
  inputs: { rows: jsonLines({ path: 's3://b/rows/', sample: 'sample/', schema: Row }) },
  transform: ({ rows }) => rows,
  output: table('test.parts', Row, { partitionBy: ['segment'] }),
});
`,
    );
    writeFileSync(
      path.join(dir, 'jobs', 'parts_read.ts'),
      `import { defineJob, catalogTable, table } from '${framework}';
export default defineJob({
  name: 'parts_read',
  inputs: { parts: catalogTable('test.parts') },
  transform: ({ parts }) => parts,
  output: table('test.parts_copy'),
});
`,
    );
    const project = { ...findProject(dir), stateDir: path.join(dir, '.etl'), defaultWarehouse: path.join(dir, 'warehouse') };

    const written = await runJob(project, 'parts');
    const expected = ['segment=..%2Fup', 'segment=100%25', 'segment=__HIVE_DEFAULT_PARTITION__', 'segment=a%2Fb', 'segment=k%3Dv', 'segment=plain'];
    expect([...written.output.partitions].sort()).toEqual(expected);
    expect(readdirSync(written.output.location).filter((f) => f.startsWith('segment=')).sort()).toEqual(expected);

    const prepared = await prepareJob(project, 'parts_read');
    const input = prepared.inputs[0];
    const schema = scanSchema(prepared.plan);
    expect(schema.fields.map((f) => f.name)).toEqual(['id', 'segment']);
    const reader = await openInput(input);
    const parts: Batch[] = [];
    for await (const b of reader.open(schema, { onBadRecord: () => {} })) parts.push(b);
    const rows = rowsOf(parts.length ? concatBatches(schema, parts) : emptyBatch(schema));
    expect(rows.map((r) => [r[0], r[1]]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(values.map((v, i) => [i, v]));
  });
});

function scanSchema(plan: BoundPlan): DatasetSchema {
  let n = plan;
  while (n.kind !== 'scan') {
    if (!('input' in n) || typeof n.input !== 'object') throw new Error(`unexpected ${n.kind}`);
    n = n.input;
  }
  return n.schema;
}

/** Spark's ParserUtils.unescapeSQLString for a '...' literal (Spark 3.5). */
function sparkUnescape(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const b = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== '\\' || i + 1 === b.length) {
      expect(c).not.toBe("'"); // an unescaped quote would have ended the literal
      out += c;
      continue;
    }
    const n = b[++i];
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(b.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(b.slice(i + 1, i + 5), 16));
      i += 4;
      continue;
    }
    if (n === '0' && /^[0-7]{3}$/.test(b.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(b.slice(i, i + 3), 8));
      i += 2;
      continue;
    }
    const special: Record<string, string> = { '0': '\u0000', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001a', '%': '\\%', _: '\\_' };
    out += special[n] ?? n;
  }
  return out;
}

describe('check bounds that become SQL text', () => {
  it('rowCount takes whole numbers of rows only', () => {
    expect(rowCount({ min: 1, max: 10 }).name).toBe('rowCount(min 1, max 10)');
    for (const bad of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => rowCount({ min: bad })).toThrow(/a row count bound must be a whole number of rows/);
    }
  });
});
