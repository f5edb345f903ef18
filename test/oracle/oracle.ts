/**
 * The DuckDB oracle: a bound plan is rendered as DuckDB SQL and run over the very rows the
 * local engine read (written to Parquet first, so both sides see identical input), and the
 * results are compared as multisets of rows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { concatBatches, emptyBatch, valueAt, type Batch } from '../../framework/columnar/column.ts';
import type { BoundPlan } from '../../framework/analyze/bound.ts';
import { execute } from '../../framework/engine/execute.ts';
import { renderQuery } from '../../framework/compile/sql/render.ts';
import { duckdbDialect } from '../../framework/compile/sql/dialect.ts';
import { readParquet, writeParquet } from '../../framework/io/parquet.ts';
import type { DatasetSchema } from '../../framework/schema/types.ts';
import { matchForm } from '../../framework/testing/typed-values.ts';

export interface OracleResult {
  readonly engine: string[];
  readonly duckdb: string[];
  readonly sql: string;
}

export async function runBoth(plan: BoundPlan, inputs: Record<string, Batch>): Promise<OracleResult> {
  const engineBatches: Batch[] = [];
  for await (const b of execute(plan, {
    scan: async function* (name) {
      yield inputs[name];
    },
  })) {
    engineBatches.push(b);
  }
  const engine = canonicalRows(plan.schema, engineBatches.length ? concatBatches(plan.schema, engineBatches) : emptyBatch(plan.schema));

  const dir = mkdtempSync(path.join(tmpdir(), 'etl-oracle-'));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const { sql, inputViews } = renderQuery(plan, duckdbDialect);
    for (const [name, view] of Object.entries(inputViews)) {
      const file = path.join(dir, `${name}.parquet`);
      await writeParquet(file, inputs[name], inputs[name].schema, { compression: 'none' });
      await conn.run(`CREATE VIEW "${view}" AS SELECT * FROM read_parquet('${file}')`);
    }
    const out = path.join(dir, 'result.parquet');
    // DuckDB's own result types can be wider (length() is BIGINT there): cast to the plan's types,
    // which the Parquet reader then reads as declared (it refuses a narrowing it cannot do exactly).
    const typed = plan.schema.fields.map((f) => `CAST(${duckdbDialect.quoteIdentifier(f.name)} AS ${duckdbDialect.typeName(f.type)}) AS ${duckdbDialect.quoteIdentifier(f.name)}`).join(', ');
    await conn.run(`COPY (SELECT ${typed} FROM (${sql})) TO '${out}' (FORMAT PARQUET)`);
    const parts: Batch[] = [];
    for await (const b of readParquet([out], { schema: plan.schema })) parts.push(b);
    const duck = canonicalRows(plan.schema, parts.length ? concatBatches(plan.schema, parts) : emptyBatch(plan.schema));
    return { engine, duckdb: duck, sql };
  } finally {
    conn.closeSync();
  }
}

/**
 * Rows as sorted canonical strings, values in their matching form (`matchForm`: doubles to the
 * repository's matching digits; -0.0 meets 0.0, as DuckDB's arithmetic does not keep them apart).
 */
export function canonicalRows(schema: DatasetSchema, batch: Batch): string[] {
  const rows: string[] = [];
  for (let i = 0; i < batch.length; i++) {
    rows.push(JSON.stringify(schema.fields.map((f, k) => matchForm(valueAt(batch.columns[k], i), f.type)), (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));
  }
  return rows.sort();
}
