/**
 * `etl test --spark`: every case through the compiled plan and the Spark driver on local Spark,
 * all in one Spark session (deploy/spark/run_cases.py), so a user's own cases prove that the
 * cluster computes what the offline engine computed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Batch } from '../columnar/column.ts';
import { compileJob, stableJson } from '../compile/compile-job.ts';
import { DRIVER_PATH } from '../compile/driver.ts';
import { LOCAL_PLACEHOLDER_ENV } from '../config/config.ts';
import { UsageError } from '../errors/index.ts';
import { listInputFiles } from '../io/files.ts';
import { readJsonLines } from '../io/jsonl.ts';
import { readParquet, writeParquet } from '../io/parquet.ts';
import type { Project } from '../run/project.ts';
import { prepareJob } from '../run/run-job.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { fromZod } from '../schema/zod.ts';
import type { CaseOutcome, FixtureCase } from './fixtures.ts';
import { batchRows } from './rows.ts';

export interface SparkCase {
  readonly fixture: FixtureCase;
  readonly tableSchemas: Readonly<Record<string, DatasetSchema>>;
}

/** spark-submit from SPARK_SUBMIT, the project's .venv (npm run setup:spark), or PATH. */
function sparkSubmit(root: string): { bin: string; python?: string } {
  if (process.env.SPARK_SUBMIT) {
    // A virtualenv's spark-submit wants that virtualenv's Python for its workers.
    const python = path.join(path.dirname(process.env.SPARK_SUBMIT), 'python');
    return { bin: process.env.SPARK_SUBMIT, ...(existsSync(python) ? { python } : {}) };
  }
  const venv = path.join(root, '.venv', 'bin');
  if (existsSync(path.join(venv, 'spark-submit'))) return { bin: path.join(venv, 'spark-submit'), python: path.join(venv, 'python') };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir && existsSync(path.join(dir, 'spark-submit'))) return { bin: path.join(dir, 'spark-submit') };
  throw new UsageError('etl test --spark needs a local Spark, and none was found', "run npm run setup:spark (PySpark into .venv/), or pip install 'pyspark==3.5.2' and put spark-submit on PATH, or set SPARK_SUBMIT");
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** Rows given as JSON lines for a catalog-table input become Parquet, which the driver reads for tables. */
async function tableAsParquet(file: string, schema: DatasetSchema, dir: string): Promise<string> {
  if (!file.endsWith('.jsonl')) return file;
  mkdirSync(dir, { recursive: true });
  const batches = await collect(readJsonLines([file], { schema, mode: 'failfast', onBadRecord: () => {} }));
  await writeParquet(path.join(dir, 'part-0.parquet'), batches, schema, { compression: 'snappy' });
  return dir;
}

/** A case's run on Spark: its outcome or error, and its own time in the shared session. */
export type SparkCaseRun = ({ outcome: CaseOutcome } | { error: string }) & { readonly durationMs: number };

export async function runCasesOnSpark(project: Project, cases: readonly SparkCase[], onLog: (line: string) => void = () => {}): Promise<SparkCaseRun[]> {
  if (!cases.length) return [];
  const spark = sparkSubmit(project.root);
  const work = mkdtempSync(path.join(tmpdir(), 'etl-test-spark-'));
  const argvs: string[][] = [];
  const layouts: { out: string; quarantine: string; result: string; schema: DatasetSchema; partitionBy: readonly string[] }[] = [];
  for (const [i, { fixture, tableSchemas }] of cases.entries()) {
    const dir = path.join(work, String(i));
    mkdirSync(dir, { recursive: true });
    const params = Object.fromEntries(Object.entries(fixture.spec.params).map(([k, v]) => [k, String(v)]));
    const prepared = await prepareJob(project, fixture.job, { params, resolveInputs: false });
    const compiled = compileJob(prepared, LOCAL_PLACEHOLDER_ENV);
    const planFile = path.join(dir, 'plan.json');
    writeFileSync(planFile, stableJson(compiled.artifact) + '\n');
    const argv = [planFile, ...Object.entries(compiled.params).map(([k, v]) => `${k}=${v}`)];
    for (const [name, spec] of Object.entries(prepared.loaded.job.inputs)) {
      const given = path.resolve(project.root, fixture.inputs[name]);
      if (spec.format === 'table') argv.push('--table', `${spec.table}=${await tableAsParquet(given, spec.schema ? fromZod(spec.schema) : tableSchemas[spec.table], path.join(dir, 'tables', name))}`);
      else argv.push('--input', `${name}=${given}`);
    }
    const layout = { out: path.join(dir, 'out'), quarantine: path.join(dir, 'quarantine'), result: path.join(dir, 'result.json'), schema: prepared.output.schema, partitionBy: compiled.artifact.output.partitionBy };
    argv.push('--output-location', layout.out, '--quarantine-location', layout.quarantine, '--result-uri', layout.result);
    argvs.push(argv);
    layouts.push(layout);
  }
  const casesFile = path.join(work, 'cases.json');
  writeFileSync(casesFile, JSON.stringify(argvs));
  const runner = path.join(path.dirname(DRIVER_PATH), 'run_cases.py');
  const args = ['--master', 'local[2]', '--conf', 'spark.ui.enabled=false', '--conf', 'spark.sql.shuffle.partitions=4', '--conf', `spark.driver.extraJavaOptions=-Dderby.system.home=${work}`, '--py-files', DRIVER_PATH, runner, casesFile];
  const env = { ...process.env, ...(spark.python ? { PYSPARK_PYTHON: spark.python, PATH: `${path.dirname(spark.bin)}${path.delimiter}${process.env.PATH ?? ''}` } : {}), SPARK_LOCAL_IP: '127.0.0.1' };
  const caseMs = new Map<number, number>();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(spark.bin, args, { cwd: work, env });
    let err = '';
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      // Lines may arrive split across chunks: only whole lines are read.
      const lines = (out + d.toString()).split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('CASE_RESULT ')) continue;
        const result = JSON.parse(line.slice('CASE_RESULT '.length)) as { index: number; ms: number };
        caseMs.set(result.index, result.ms);
        onLog(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  if (code !== 0) throw new UsageError(`local Spark failed (exit ${code}):\n${stderr.split('\n').filter((l) => !/ (WARN|INFO) /.test(l)).slice(-20).join('\n')}`, 'run with SPARK_SUBMIT pointing at a working spark-submit (Spark 3.5, Java 17)');

  return Promise.all(layouts.map(async (layout, i) => ({ ...(await caseOutcome(layout)), durationMs: caseMs.get(i) ?? 0 })));
}

/** What a case's run left: the driver's summary, the output rows and the quarantined records. */
async function caseOutcome(layout: { out: string; quarantine: string; result: string; schema: DatasetSchema }): Promise<{ outcome: CaseOutcome } | { error: string }> {
  if (!existsSync(layout.result)) return { error: 'the driver wrote no summary (see the Spark log above)' };
  const summary = JSON.parse(readFileSync(layout.result, 'utf8')) as {
    status: string;
    error?: { phase: string; message: string };
    checks?: { name: string; passed: boolean; severity: 'error' | 'warn'; failingRows: number }[];
  };
  const checks = (summary.checks ?? []).map((c) => ({ name: c.name, passed: c.passed, severity: c.severity, message: `${c.failingRows} failing row(s)` }));
  const checkFailed = summary.status === 'failed' && summary.error?.phase === 'check';
  if (summary.status !== 'succeeded' && !checkFailed) return { error: `${summary.error?.phase ?? 'driver'}: ${summary.error?.message ?? 'failed'}` };
  const rows = existsSync(layout.out) ? await readOutput(layout.out, layout.schema) : [];
  const badRecords = readQuarantine(layout.quarantine);
  return { outcome: { rows, badRecords, checks, schema: layout.schema, ordered: false, rowsWritten: !checkFailed } };
}

async function readOutput(dir: string, schema: DatasetSchema) {
  const listed = await listInputFiles(dir, 'parquet');
  if (!listed.files.length) return [];
  const batches = await collect(readParquet(listed.files, { schema, partitionColumns: listed.partitionColumns }));
  return batches.flatMap(batchRows);
}

function readQuarantine(dir: string): { input: string; line: number; reason: string }[] {
  if (!existsSync(dir)) return [];
  const out: { input: string; line: number; reason: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.startsWith('part-')) {
        for (const line of readFileSync(full, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const r = JSON.parse(line) as { input: string; line: number; reason: string };
          out.push({ input: r.input, line: r.line, reason: r.reason });
        }
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.input.localeCompare(b.input) || a.line - b.line);
}
