/**
 * Runs the framework's Spark driver with the project's local PySpark (.venv, installed by
 * scripts/setup-spark.sh) exactly as an EMR step runs it, with local paths instead of S3.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, duckdbRows } from '../run/helpers.ts';

const VENV_BIN = path.join(ROOT, '.venv', 'bin');
export const SPARK_SUBMIT = path.join(VENV_BIN, 'spark-submit');

export function assertSparkInstalled(): void {
  if (!existsSync(SPARK_SUBMIT)) throw new Error(`no local Spark at ${SPARK_SUBMIT}: run scripts/setup-spark.sh first`);
}

/** The ETL_RESULT line (see deploy/spark/PLAN_FORMAT.md). */
export interface DriverResult {
  readonly status: 'succeeded' | 'failed';
  readonly rowsRead?: number;
  readonly badRecords?: number;
  readonly output?: { readonly rowsWritten: number; readonly partitions: readonly Record<string, string>[] };
  readonly error?: { readonly phase: string; readonly message: string; readonly hint?: string };
  readonly checks?: readonly { readonly name: string; readonly failingRows: number; readonly severity: string }[];
}

export interface DriverRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The driver's ETL_RESULT summary line, parsed. */
  readonly result: DriverResult;
}

/** spark-submit --master local[2] <driver> <plan> <args...>; small shuffles keep local runs quick. */
export function sparkSubmit(driver: string, plan: string, args: readonly string[]): Promise<DriverRun> {
  const argv = [
    '--master', 'local[2]',
    '--conf', 'spark.ui.enabled=false',
    '--conf', 'spark.sql.shuffle.partitions=4',
    '--conf', `spark.driver.extraJavaOptions=-Dderby.system.home=${path.dirname(plan)}`,
    driver, plan, ...args,
  ];
  const env = { ...process.env, PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`, PYSPARK_PYTHON: path.join(VENV_BIN, 'python'), SPARK_LOCAL_IP: '127.0.0.1' };
  return new Promise((resolve, reject) => {
    const child = spawn(SPARK_SUBMIT, argv, { cwd: path.dirname(plan), env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const line = stdout.split('\n').find((l) => l.startsWith('ETL_RESULT '));
      if (!line) return reject(new Error(`the driver printed no ETL_RESULT line (exit ${status}):\n${stderr.split('\n').filter((l) => !/ (WARN|INFO) /.test(l)).slice(-40).join('\n')}`));
      resolve({ status, stdout, stderr, result: JSON.parse(line.slice('ETL_RESULT '.length)) as DriverRun['result'] });
    });
  });
}

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
