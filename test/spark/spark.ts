/**
 * Runs the framework's Spark driver with the project's local PySpark (.venv, installed by
 * scripts/setup-spark.sh) exactly as an EMR step runs it, with local paths instead of S3.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../run/helpers.ts';

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
  readonly inputs?: readonly { readonly name: string; readonly rowsRead?: number; readonly badRecords?: number; readonly lenientNulls?: Readonly<Record<string, number>> }[];
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

/** How a process is started: the executable, its arguments, environment and working folder. */
export interface Invocation {
  readonly command: string;
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * spark-submit --master local[2] <script> <args...> with the project's local PySpark; small
 * shuffles keep local runs quick. `cwd` also holds the metastore (Derby) of a session with Hive support.
 */
export function sparkSubmitInvocation(script: string, args: readonly string[], cwd: string): Invocation {
  const argv = [
    '--master', 'local[2]',
    '--conf', 'spark.ui.enabled=false',
    '--conf', 'spark.sql.shuffle.partitions=4',
    '--conf', `spark.driver.extraJavaOptions=-Dderby.system.home=${cwd}`,
    script, ...args,
  ];
  const env = { ...process.env, PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`, PYSPARK_PYTHON: path.join(VENV_BIN, 'python'), SPARK_LOCAL_IP: '127.0.0.1' };
  return { command: SPARK_SUBMIT, argv, env, cwd };
}

/** The driver's ETL_RESULT summary line in its stdout, parsed; undefined when it printed none. */
export function driverResult(stdout: string): DriverResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('ETL_RESULT '));
  return line === undefined ? undefined : (JSON.parse(line.slice('ETL_RESULT '.length)) as DriverResult);
}

/**
 * Runs the driver on a plan, as an EMR step runs it (sparkSubmitInvocation, in the plan's folder).
 * `scriptArgs`, when given, replace `<plan> <args...>`: the arguments as another runner passes them (Glue's).
 */
export function sparkSubmit(driver: string, plan: string, args: readonly string[], scriptArgs?: readonly string[]): Promise<DriverRun> {
  const { command, argv, env, cwd } = sparkSubmitInvocation(driver, scriptArgs ?? [plan, ...args], path.dirname(plan));
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const result = driverResult(stdout);
      if (!result) return reject(new Error(`the driver printed no ETL_RESULT line (exit ${status}):\n${stderr.split('\n').filter((l) => !/ (WARN|INFO) /.test(l)).slice(-40).join('\n')}`));
      resolve({ status, stdout, stderr, result });
    });
  });
}

export { compareTables } from '../support/compare-tables.ts';
