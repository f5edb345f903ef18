/**
 * An order-independent checksum of a job's output folder (Hive-partitioned Parquet), computed
 * the same way for every system by one reader (DuckDB, in the bench runner, outside the timed
 * runs), so systems that write different Parquet (row groups, timestamp units, partition
 * layout, integer widths) still compare by value:
 *
 *   checksum = sum over rows of hash(canonical row text), mod 2^64, as 16 hex digits
 *
 * A sum is independent of row order and counts duplicates (a multiset, unlike xor). The
 * canonical text of a row joins its columns in name order, each as:
 *  - timestamps: epoch microseconds (whatever unit or time zone flag the file carries);
 *  - doubles: in the repository's matching form (12 significant digits, `doubleMatchSql`): a sum
 *    of doubles depends on the order it adds in, which differs between engines, by far less;
 *    the bench's amounts are whole cents, so 12 digits cannot straddle a rounding boundary
 *    for sums below 10^9;
 *  - maps: entries sorted by key (map order is not data); everything else: CAST AS VARCHAR;
 *  - NULL: a marker no value renders as.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { doubleMatchSql } from '../framework/testing/typed-values.ts';

export interface OutputDigest {
  readonly rows: number;
  readonly checksum: string;
  /** column name -> DuckDB type, for messages when systems disagree. */
  readonly columns: Record<string, string>;
}

let connection: Promise<DuckDBConnection> | undefined;
function connect(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:', { threads: '2' }).then(async (db) => {
    const c = await db.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    return c;
  });
  return connection;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function canonical(name: string, type: string): string {
  const c = ident(name);
  let text: string;
  if (type.startsWith('TIMESTAMP')) text = `CAST(epoch_us(${c}) AS VARCHAR)`;
  else if (type === 'DOUBLE' || type === 'FLOAT') text = doubleMatchSql(c);
  else if (type.startsWith('MAP(')) text = `CAST(list_sort(list_transform(map_entries(${c}), e -> to_json(e))) AS VARCHAR)`;
  else text = `CAST(${c} AS VARCHAR)`;
  return `coalesce(${text}, '\\N<null>')`;
}

export async function digestOutput(dir: string): Promise<OutputDigest> {
  const conn = await connect();
  const scan = `read_parquet('${dir.replace(/'/g, "''")}/**/*.parquet', hive_partitioning = true)`;
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`)).getRowObjectsJson() as { column_name: string; column_type: string }[];
  const columns = Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
  const names = Object.keys(columns).sort();
  const row = `concat_ws(chr(31), ${names.map((n) => canonical(n, columns[n])).join(', ')})`;
  const sql = `SELECT count(*)::BIGINT AS n, (coalesce(sum(hash(${row})::HUGEINT), 0) % 18446744073709551616)::UBIGINT AS h FROM ${scan}`;
  const [r] = (await conn.runAndReadAll(sql)).getRowObjectsJson() as { n: string; h: string }[];
  return { rows: Number(r.n), checksum: BigInt(r.h).toString(16).padStart(16, '0'), columns };
}
