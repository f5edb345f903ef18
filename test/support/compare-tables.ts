/** Two Parquet tables (Hive-partitioned folders) compared row for row through DuckDB. */
import { duckdbRows } from '../run/helpers.ts';

const scan = (location: string) => `read_parquet('${location}/**/*.parquet', hive_partitioning = true)`;

/**
 * Rows in one table and not the other (as multisets), and the column types each has.
 * Floating-point columns compare to 12 significant digits: a sum of doubles depends on the
 * order it adds them in, which differs between engines (and between two Spark runs).
 */
export async function compareTables(localDir: string, sparkDir: string) {
  const described = async (dir: string) => (await duckdbRows(`DESCRIBE SELECT * FROM ${scan(dir)}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const columns = await described(localDir);
  const comparable = columns.map(({ name, type }) => {
    const id = `"${name.replace(/"/g, '""')}"`;
    return type === 'DOUBLE' || type === 'FLOAT' ? `printf('%.12g', ${id}) AS ${id}` : id;
  }).join(', ');
  const diff = async (a: string, b: string) =>
    duckdbRows(`SELECT * FROM (SELECT ${comparable} FROM ${scan(a)} EXCEPT ALL SELECT ${comparable} FROM ${scan(b)}) LIMIT 5`);
  const types = async (dir: string) => (await described(dir)).map((c) => `${c.name} ${c.type}`);
  const count = async (dir: string) => Number((await duckdbRows(`SELECT count(*)::INTEGER AS n FROM ${scan(dir)}`))[0].n);
  return {
    onlyLocal: await diff(localDir, sparkDir),
    onlySpark: await diff(sparkDir, localDir),
    localTypes: await types(localDir),
    sparkTypes: await types(sparkDir),
    localRows: await count(localDir),
    sparkRows: await count(sparkDir),
  };
}
