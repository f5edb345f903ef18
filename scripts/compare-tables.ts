/**
 * Two Parquet tables (Hive-partitioned folders) compared row for row through DuckDB, as a
 * multiset: `npm run compare -- <folder A> <folder B>` prints the row counts and up to five rows
 * each has that the other lacks, and exits 1 when they differ. Doubles compare in their matching
 * form (12 significant digits, `doubleMatchSql`): a sum of doubles depends on the order it adds
 * them in, which differs between engines.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import { doubleMatchSql } from '../framework/testing/typed-values.ts';

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}

const scan = (location: string) => `read_parquet('${location.replace(/'/g, "''")}/**/*.parquet', hive_partitioning = true)`;

export async function compareTables(a: string, b: string) {
  const described = async (dir: string) => (await query(`DESCRIBE SELECT * FROM ${scan(dir)}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const columns = await described(a);
  const comparable = columns
    .map(({ name, type }) => {
      const id = `"${name.replace(/"/g, '""')}"`;
      return type === 'DOUBLE' || type === 'FLOAT' ? `${doubleMatchSql(id)} AS ${id}` : id;
    })
    .join(', ');
  const diff = async (x: string, y: string) => query(`SELECT * FROM (SELECT ${comparable} FROM ${scan(x)} EXCEPT ALL SELECT ${comparable} FROM ${scan(y)}) LIMIT 5`);
  const types = async (dir: string) => (await described(dir)).map((c) => `${c.name} ${c.type}`);
  const count = async (dir: string) => Number((await query(`SELECT count(*)::INTEGER AS n FROM ${scan(dir)}`))[0].n);
  return {
    onlyLocal: await diff(a, b),
    onlySpark: await diff(b, a),
    localTypes: await types(a),
    sparkTypes: await types(b),
    localRows: await count(a),
    sparkRows: await count(b),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [a, b] = process.argv.slice(2);
  if (!a || !b) {
    process.stderr.write('usage: npm run compare -- <table folder A> <table folder B>\n');
    process.exit(2);
  }
  const c = await compareTables(a, b);
  const same = c.localRows === c.sparkRows && !c.onlyLocal.length && !c.onlySpark.length && c.localTypes.join() === c.sparkTypes.join();
  process.stdout.write(`${a}: ${c.localRows} rows\n${b}: ${c.sparkRows} rows\n`);
  if (c.localTypes.join() !== c.sparkTypes.join()) process.stdout.write(`columns differ:\n  ${c.localTypes.join(', ')}\n  ${c.sparkTypes.join(', ')}\n`);
  for (const [label, rows] of [[`only in ${a}`, c.onlyLocal], [`only in ${b}`, c.onlySpark]] as const) for (const r of rows) process.stdout.write(`${label}: ${JSON.stringify(r)}\n`);
  process.stdout.write(same ? 'same rows\n' : 'the tables differ\n');
  process.exit(same ? 0 : 1);
}
