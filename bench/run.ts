/**
 * `npm run bench -- [--rows N] [--repeat R] [--systems etl,duckdb,arquero] [--json]`
 *
 * Generates (or reuses) N seeded events and the users dimension (bench/generate.ts), runs the
 * three example jobs on every system, each job in its own process (bench/systems/launch.ts),
 * checks that every system wrote the same rows (bench/checksum.ts) and reports wall time, peak
 * RSS, rows out and checksum per system and job: a table on stdout (or JSON with --json),
 * bench/results/latest.json and rows-<N>.json, and bench/results/chart.svg drawn from every
 * rows-<N>.json present. Exits 1 if the systems disagree.
 *
 * All systems read the same inputs: events_clean the generated Firehose folder; user_sessions
 * and daily_kpis the analytics.events table `etl` wrote in the first repetition (its checksum
 * equals every other system's events_clean output), daily_kpis also the users CSV.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchData } from './generate.ts';
import { digestOutput, type OutputDigest } from './checksum.ts';
import { Launcher, SYSTEMS, type Measured, type SystemName } from './systems/launch.ts';
import { JOBS, type JobName } from './systems/protocol.ts';
import { machine, median, type BenchResult, type BenchResults } from './results.ts';
import { renderChart } from './chart.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

export interface BenchOptions {
  readonly rows: number;
  readonly repeat: number;
  readonly systems: readonly SystemName[];
  readonly dataDir: string;
  readonly log: (message: string) => void;
  /**
   * The project whose jobs the etl system runs (the three example jobs): by default the example
   * project at the repository root, which npm run bench measures; the smoke test passes its own.
   */
  readonly project?: string;
  /**
   * How many runs may overlap (default 1). Above 1 the timings mean little: for the smoke test,
   * which only checks that the systems agree.
   */
  readonly concurrency?: number;
}

export interface BenchOutcome extends BenchResults {
  /** Jobs whose outputs differ between systems, with each system's rows and checksum. */
  readonly disagreements: readonly { job: JobName; outputs: Record<string, OutputDigest> }[];
}

export async function runBench(o: BenchOptions): Promise<BenchOutcome> {
  if (!o.systems.includes('etl')) throw new Error("--systems must include etl: its analytics.events is every system's input for user_sessions and daily_kpis");
  const data = benchData(o.dataDir, o.rows, o.log);
  const work = mkdtempSync(path.join(tmpdir(), 'lakeform-bench-'));
  try {
    const launcher = new Launcher(ROOT, o.project ?? ROOT, work);
    await launcher.prepare();
    const order: SystemName[] = ['etl', ...o.systems.filter((s) => s !== 'etl')];
    const runs = new Map<string, Measured[]>();
    const runOne = async (rep: number, system: SystemName, job: JobName, events: string) => {
      const out = path.join(work, String(rep), system, job);
      const m = await launcher.run(system, { job, raw: data.events, events, users: data.users, out });
      const key = `${system}/${job}`;
      runs.set(key, [...(runs.get(key) ?? []), m]);
      o.log(`  ${system.padEnd(8)} ${job.padEnd(14)} ${Math.round(m.ms).toLocaleString('en-US').padStart(7)} ms  ${mb(m.peakRssBytes).toLocaleString('en-US').padStart(6)} MB  (run ${rep + 1}/${o.repeat})`);
      return m;
    };
    // etl's events_clean first: its analytics.events is everyone's input downstream
    const events = (await runOne(0, 'etl', 'events_clean', '')).outputDir;
    const tasks: { rep: number; system: SystemName; job: JobName }[] = [];
    for (let rep = 0; rep < o.repeat; rep++) for (const system of order) for (const job of JOBS) if (rep > 0 || system !== 'etl' || job !== 'events_clean') tasks.push({ rep, system, job });
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        const t = tasks[next++];
        await runOne(t.rep, t.system, t.job, events);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 1) }, worker));

    const results: BenchResult[] = [];
    const disagreements: BenchOutcome['disagreements'][number][] = [];
    for (const job of JOBS) {
      const outputs: Record<string, OutputDigest> = {};
      for (const system of order) {
        const measured = runs.get(`${system}/${job}`)!;
        const digest = await digestOutput(measured[0].outputDir);
        outputs[system] = digest;
        if (measured.some((m) => m.rowsOut !== digest.rows)) throw new Error(`${system} ${job}: reported ${measured.map((m) => m.rowsOut).join('/')} rows, its output holds ${digest.rows}`);
        results.push({
          system,
          job,
          ms: Math.round(median(measured.map((m) => m.ms))),
          peakRssMb: mb(median(measured.map((m) => m.peakRssBytes))),
          rowsOut: digest.rows,
          checksum: digest.checksum,
        });
      }
      const distinct = new Set(Object.values(outputs).map((d) => `${d.rows}/${d.checksum}`));
      if (distinct.size > 1) disagreements.push({ job, outputs });
    }
    return { rows: o.rows, machine: machine(o.repeat), results, disagreements };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

export function formatTable(r: BenchResults): string {
  const header = ['system', 'job', 'ms', 'peak RSS MB', 'rows out', 'checksum'];
  const rows = r.results.map((x) => [x.system, x.job, x.ms.toLocaleString('en-US'), x.peakRssMb.toLocaleString('en-US'), x.rowsOut.toLocaleString('en-US'), x.checksum]);
  const systems = [...new Set(r.results.map((x) => x.system))];
  const total = (s: string) => r.results.filter((x) => x.system === s).reduce((t, x) => t + x.ms, 0);
  for (const s of systems) rows.push([s, '(three jobs)', total(s).toLocaleString('en-US'), String(Math.max(...r.results.filter((x) => x.system === s).map((x) => x.peakRssMb))), '', '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const etl = total('etl');
  if (systems.includes('duckdb')) out.push(`etl / duckdb (1 thread): ${(etl / total('duckdb')).toFixed(2)}x the time (target: at most 1.5x)`);
  if (systems.includes('arquero')) out.push(`arquero / etl: etl is ${(total('arquero') / etl).toFixed(2)}x faster (target: at least 3x)`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      repeat: { type: 'string', default: '1' },
      systems: { type: 'string', default: SYSTEMS.join(',') },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(rows) || rows < 1000) throw new Error(`--rows must be a whole number of at least 1000 (got ${values.rows})`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a whole number of at least 1 (got ${values.repeat})`);
  const systems = values.systems.split(',').map((s) => s.trim()) as SystemName[];
  for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system '${s}' (systems: ${SYSTEMS.join(', ')})`);

  const outcome = await runBench({ rows, repeat, systems, dataDir: path.join(ROOT, 'bench', 'data'), log: (m) => process.stderr.write(`${m}\n`) });
  const { disagreements, ...results } = outcome;
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(path.join(RESULTS, 'latest.json'), json);
  writeFileSync(path.join(RESULTS, `rows-${rows}.json`), json);
  const all = readdirSync(RESULTS).filter((f) => /^rows-\d+\.json$/.test(f)).map((f) => JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')) as BenchResults);
  writeFileSync(path.join(RESULTS, 'chart.svg'), renderChart(all));

  process.stdout.write(values.json ? json : `${formatTable(results)}\n`);
  for (const d of disagreements) {
    process.stderr.write(`error: the systems disagree on ${d.job}:\n${Object.entries(d.outputs).map(([s, o]) => `  ${s.padEnd(8)} ${o.rows} rows, checksum ${o.checksum}, columns ${JSON.stringify(o.columns)}`).join('\n')}\n`);
  }
  if (disagreements.length) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
