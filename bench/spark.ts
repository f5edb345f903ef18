/**
 * `npm run bench:spark -- [--rows N] [--rounds R] [--json]`
 *
 * The cluster path against hand-written PySpark, on local Spark (`local[2]`): the three example
 * jobs compiled by `etl plan` and run by the generic driver exactly as the Spark suite runs it
 * (test/spark/spark.ts), beside bench/pyspark/<job>.py, written by hand with the same quarantine
 * and checks, on the same generated data (bench/generate.ts). Rounds interleave the two systems
 * job by job (the order alternating between rounds), so load from other processes on the machine
 * falls on both; figures are medians over the rounds: wall time, and the CPU time of spark-submit
 * and every process it started (bench/pyspark/measure.py). Outputs must have the same checksum
 * (bench/checksum.ts).
 *
 * Writes bench/results/spark-latest.json, spark-rows-<N>.json and spark-chart.svg (drawn from every
 * spark-rows-<N>.json present). Exits 1 if the systems disagree.
 *
 * user_sessions and daily_kpis of both systems read the analytics.events table the driver wrote
 * in the first round (its checksum equals the reference's events_clean output).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchData, type BenchData } from './generate.ts';
import { digestOutput } from './checksum.ts';
import { JOBS, type JobName } from './systems/protocol.ts';
import { machine, median, type BenchResult, type BenchResults } from './results.ts';
import { renderChart } from './chart.ts';
import { assertSparkInstalled, driverResult, sparkSubmitInvocation, type Invocation } from '../test/spark/spark.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const PYSPARK = path.join(ROOT, 'bench', 'pyspark');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

export const SPARK_SYSTEMS = ['driver', 'pyspark'] as const;
export type SparkSystem = (typeof SPARK_SYSTEMS)[number];

export interface SparkBenchResult extends BenchResult {
  /** Median CPU time (user + system) of spark-submit and all its descendants. */
  readonly cpuMs: number;
  /** Every round's wall and CPU time, in the order run. */
  readonly rounds: readonly { readonly ms: number; readonly cpuMs: number }[];
}

export interface SparkBenchResults extends BenchResults {
  readonly results: readonly SparkBenchResult[];
  /** driver / pyspark, per job and for the three jobs together (sums of the medians). */
  readonly ratios: Readonly<Record<JobName | 'total', { readonly wall: number; readonly cpu: number }>>;
}

interface Measured {
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly rowsOut: number;
  readonly outputDir: string;
}

export class SparkRunFailedError extends Error {
  override readonly name = 'SparkRunFailedError';
  constructor(
    readonly system: SparkSystem,
    readonly job: JobName,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${system} failed on ${job} (exit ${status}):\n${stderr.split('\n').filter((l) => l.trim() && !/ (WARN|INFO) /.test(l)).slice(-30).join('\n')}`);
  }
}

interface Plan {
  readonly dir: string;
  readonly params: Readonly<Record<string, string>>;
  /** Its catalog-table inputs (analytics.events, as the environment names it). */
  readonly tables: readonly string[];
}

interface PlanFile {
  readonly params: Readonly<Record<string, string>>;
  readonly inputs: readonly { readonly format: string; readonly table?: string }[];
}

/** The job's plan artifact (plan.json and driver.py), as `etl plan --out` writes it for an EMR step. */
function compile(job: JobName, work: string): Promise<Plan> {
  const dir = path.join(work, 'plans', job);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'framework', 'cli', 'bin.js'), 'plan', job, '--out', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new Error(`etl plan ${job} failed (exit ${status}):\n${stderr}`));
      const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PlanFile;
      resolve({ dir, params: plan.params, tables: plan.inputs.flatMap((i) => (i.format === 'table' && i.table ? [i.table] : [])) });
    });
  });
}

/** Runs an invocation under bench/pyspark/measure.py; resolves with its stdout and measurements. */
function measured(system: SparkSystem, job: JobName, inv: Invocation): Promise<{ stdout: string; ms: number; cpuMs: number; peakRssBytes: number }> {
  const report = path.join(inv.cwd, 'measure.json');
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(PYSPARK, 'measure.py'), report, inv.command, ...inv.argv], { cwd: inv.cwd, env: inv.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) return reject(new SparkRunFailedError(system, job, status, stderr));
      const m = JSON.parse(readFileSync(report, 'utf8')) as { wallS: number; cpuS: number; peakRssKb: number };
      resolve({ stdout, ms: m.wallS * 1000, cpuMs: m.cpuS * 1000, peakRssBytes: m.peakRssKb * 1024 });
    });
  });
}

interface Task {
  readonly job: JobName;
  readonly data: BenchData;
  /** The analytics.events table downstream jobs read. */
  readonly events: string;
  readonly out: string;
}

async function runDriver(plan: Plan, t: Task): Promise<Measured> {
  const args = [...Object.entries(plan.params).map(([k, v]) => `${k}=${v}`), '--output-location', t.out, '--quarantine-location', `${t.out}.quarantine`];
  if (t.job === 'events_clean') args.push('--input', `raw=${t.data.events}`);
  for (const table of plan.tables) args.push('--table', `${table}=${t.events}`);
  if (t.job === 'daily_kpis') args.push('--input', `users=${t.data.users}`);
  const cwd = `${t.out}.run`;
  mkdirSync(cwd, { recursive: true });
  const m = await measured('driver', t.job, sparkSubmitInvocation(path.join(plan.dir, 'driver.py'), [path.join(plan.dir, 'plan.json'), ...args], cwd));
  const result = driverResult(m.stdout);
  if (result?.status !== 'succeeded') throw new Error(`the driver did not succeed on ${t.job}: ${JSON.stringify(result)}`);
  return { ...m, rowsOut: result.output?.rowsWritten ?? 0, outputDir: t.out };
}

async function runReference(t: Task): Promise<Measured> {
  const args =
    t.job === 'events_clean'
      ? ['--raw', t.data.events, '--quarantine', `${t.out}.quarantine`]
      : ['--events', t.events, ...(t.job === 'daily_kpis' ? ['--users', t.data.users] : [])];
  const cwd = `${t.out}.run`;
  mkdirSync(cwd, { recursive: true });
  const m = await measured('pyspark', t.job, sparkSubmitInvocation(path.join(PYSPARK, `${t.job}.py`), [...args, '--out', t.out], cwd));
  const line = m.stdout.split('\n').find((l) => l.startsWith('REFERENCE_RESULT '));
  if (!line) throw new Error(`bench/pyspark/${t.job}.py printed no REFERENCE_RESULT line`);
  return { ...m, rowsOut: (JSON.parse(line.slice('REFERENCE_RESULT '.length)) as { rowsWritten: number }).rowsWritten, outputDir: t.out };
}

export interface SparkBenchOutcome extends SparkBenchResults {
  readonly disagreements: readonly { job: JobName; outputs: Record<string, { rows: number; checksum: string }> }[];
}

export async function runSparkBench(o: { rows: number; rounds: number; dataDir: string; log: (m: string) => void }): Promise<SparkBenchOutcome> {
  assertSparkInstalled();
  const data = benchData(o.dataDir, o.rows, o.log);
  const work = mkdtempSync(path.join(tmpdir(), 'lakeform-bench-spark-'));
  try {
    const plans = Object.fromEntries(await Promise.all(JOBS.map(async (job) => [job, await compile(job, work)] as const))) as Record<JobName, Plan>;
    const runs = new Map<string, Measured[]>();
    const events = path.join(work, '0', 'driver', 'events_clean');
    for (let round = 0; round < o.rounds; round++) {
      // Alternate which system goes first, so neither always runs on a warmer (or busier) machine;
      // the first round starts with the driver, whose events_clean output downstream jobs read.
      const order: SparkSystem[] = round % 2 === 0 ? ['driver', 'pyspark'] : ['pyspark', 'driver'];
      for (const job of JOBS) {
        for (const system of order) {
          const task: Task = { job, data, events, out: path.join(work, String(round), system, job) };
          const m = system === 'driver' ? await runDriver(plans[job], task) : await runReference(task);
          const key = `${system}/${job}`;
          runs.set(key, [...(runs.get(key) ?? []), m]);
          o.log(`  round ${round + 1}/${o.rounds}  ${system.padEnd(8)} ${job.padEnd(14)} ${(m.ms / 1000).toFixed(1).padStart(6)} s wall ${(m.cpuMs / 1000).toFixed(1).padStart(6)} s CPU  (load ${loadAverage()})`);
        }
      }
    }
    const results: SparkBenchResult[] = [];
    const disagreements: SparkBenchOutcome['disagreements'][number][] = [];
    for (const job of JOBS) {
      const outputs: Record<string, { rows: number; checksum: string }> = {};
      for (const system of SPARK_SYSTEMS) {
        const measuredRuns = runs.get(`${system}/${job}`)!;
        const digest = await digestOutput(measuredRuns[0].outputDir);
        outputs[system] = digest;
        if (measuredRuns.some((m) => m.rowsOut !== digest.rows)) throw new Error(`${system} ${job}: reported ${measuredRuns.map((m) => m.rowsOut).join('/')} rows, its output holds ${digest.rows}`);
        results.push({
          system,
          job,
          ms: Math.round(median(measuredRuns.map((m) => m.ms))),
          cpuMs: Math.round(median(measuredRuns.map((m) => m.cpuMs))),
          peakRssMb: Math.round(median(measuredRuns.map((m) => m.peakRssBytes)) / 2 ** 20),
          rowsOut: digest.rows,
          checksum: digest.checksum,
          rounds: measuredRuns.map((m) => ({ ms: Math.round(m.ms), cpuMs: Math.round(m.cpuMs) })),
        });
      }
      if (new Set(Object.values(outputs).map((d) => `${d.rows}/${d.checksum}`)).size > 1) disagreements.push({ job, outputs });
    }
    return { rows: o.rows, machine: machine(o.rounds), results, ratios: ratios(results), disagreements };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const loadAverage = () => (Math.round(os.loadavg()[0] * 100) / 100).toFixed(2);

function ratios(results: readonly SparkBenchResult[]): SparkBenchResults['ratios'] {
  const of = (system: SparkSystem, job?: JobName) => results.filter((r) => r.system === system && (job === undefined || r.job === job));
  const ratio = (job?: JobName) => {
    const sum = (system: SparkSystem, f: (r: SparkBenchResult) => number) => of(system, job).reduce((t, r) => t + f(r), 0);
    const round2 = (x: number) => Math.round(x * 100) / 100;
    return { wall: round2(sum('driver', (r) => r.ms) / sum('pyspark', (r) => r.ms)), cpu: round2(sum('driver', (r) => r.cpuMs) / sum('pyspark', (r) => r.cpuMs)) };
  };
  return { ...(Object.fromEntries(JOBS.map((job) => [job, ratio(job)])) as Record<JobName, { wall: number; cpu: number }>), total: ratio() };
}

export function formatSparkTable(r: SparkBenchResults): string {
  const header = ['system', 'job', 'wall s', 'CPU s', 'peak RSS MB', 'rows out', 'checksum'];
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const rows = r.results.map((x) => [x.system, x.job, s(x.ms), s(x.cpuMs), String(x.peakRssMb), x.rowsOut.toLocaleString('en-US'), x.checksum]);
  for (const system of SPARK_SYSTEMS) {
    const of = r.results.filter((x) => x.system === system);
    rows.push([system, '(three jobs)', s(of.reduce((t, x) => t + x.ms, 0)), s(of.reduce((t, x) => t + x.cpuMs, 0)), '', '', '']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const ratioLines = Object.entries(r.ratios).map(([job, x]) => `driver / pyspark, ${job}: ${x.wall.toFixed(2)}x wall, ${x.cpu.toFixed(2)}x CPU (target: at most 1.2x each)`);
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...ratioLines, `(${r.rows.toLocaleString('en-US')} events, medians of ${r.machine.repeat} rounds, load ${r.machine.loadAverage} at the start)`].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rows) || rows < 1000) throw new Error(`--rows must be a whole number of at least 1000 (got ${values.rows})`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1 (got ${values.rounds})`);

  const { disagreements, ...results } = await runSparkBench({ rows, rounds, dataDir: path.join(ROOT, 'bench', 'data'), log: (m) => process.stderr.write(`${m}\n`) });
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(path.join(RESULTS, 'spark-latest.json'), json);
  writeFileSync(path.join(RESULTS, `spark-rows-${rows}.json`), json);
  const all = readdirSync(RESULTS).filter((f) => /^spark-rows-\d+\.json$/.test(f)).map((f) => JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')) as BenchResults);
  writeFileSync(path.join(RESULTS, 'spark-chart.svg'), renderChart(all));

  process.stdout.write(values.json ? json : `${formatSparkTable(results)}\n`);
  for (const d of disagreements) {
    process.stderr.write(`error: the systems disagree on ${d.job}:\n${Object.entries(d.outputs).map(([s, o]) => `  ${s.padEnd(8)} ${o.rows} rows, checksum ${o.checksum}`).join('\n')}\n`);
  }
  if (disagreements.length) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
