/**
 * Starts one system on one job in its own process and measures it from outside: wall time from
 * spawn to exit (so process start and library loading count, as they do for a user), and the
 * peak RSS the child reports on exit (bench/peak-rss.mjs, preloaded with --import).
 *
 * `etl` runs the real CLI (framework/cli/bin.js run <job> --input ... --warehouse ...), the same
 * code path as `etl run`. DuckDB and Arquero run bench/systems/<system>.ts, bundled once with
 * esbuild like the CLI, so no system pays for a TypeScript loader.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type { JobName, SystemReport, SystemTask } from './protocol.ts';

export const SYSTEMS = ['etl', 'duckdb', 'arquero'] as const;

/**
 * The JavaScript heap limit of every child, the same for all systems. Node's default (about
 * 4 GB here) is too small for Arquero at 4M events, which holds the whole input in memory;
 * etl spills past its memory budget instead (framework/engine/spill/memory-budget.ts), so the
 * limit only keeps the systems on equal terms.
 */
export const HEAP_MB = 12_288;
export type SystemName = (typeof SYSTEMS)[number];

export interface Measured {
  readonly ms: number;
  readonly peakRssBytes: number;
  readonly rowsOut: number;
  /** Where the job's output table is (Hive-partitioned Parquet). */
  readonly outputDir: string;
}

export class SystemFailedError extends Error {
  override readonly name = 'SystemFailedError';
  constructor(
    readonly system: SystemName,
    readonly job: JobName,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${system} failed on ${job} (exit ${status}):\n${stderr.split('\n').slice(-25).join('\n')}`);
  }
}

export class Launcher {
  private readonly bundles = new Map<SystemName, string>();

  constructor(
    private readonly root: string,
    /** Where the systems run: the etl CLI finds the jobs here. */
    private readonly project: string,
    private readonly workDir: string,
  ) {}

  /** Bundles the JavaScript systems and builds the etl CLI bundle, so no timed run compiles anything. */
  async prepare(): Promise<void> {
    const cacheDir = path.join(this.root, 'node_modules', '.cache', 'lakeform-bench');
    for (const system of ['duckdb', 'arquero'] as const) {
      const outfile = path.join(cacheDir, `${system}.mjs`);
      buildSync({
        entryPoints: [path.join(this.root, 'bench', 'systems', `${system}.ts`)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        nodePaths: [path.join(this.root, 'node_modules')],
        outfile,
        logLevel: 'error',
      });
      this.bundles.set(system, outfile);
    }
    const warm = await this.spawnMeasured(process.execPath, [path.join(this.root, 'framework', 'cli', 'bin.js'), 'list'], {}, path.join(this.workDir, 'warm.rss'));
    if (warm.status !== 0) throw new Error(`etl list failed while building the CLI bundle:\n${warm.stderr}`);
  }

  async run(system: SystemName, task: SystemTask): Promise<Measured> {
    mkdirSync(path.dirname(task.out), { recursive: true });
    const rssFile = `${task.out}.rss`;
    if (system === 'etl') {
      const warehouse = task.out;
      const inputs = task.job === 'events_clean' ? ['--input', `raw=${task.raw}`] : task.job === 'user_sessions' ? ['--input', `events=${task.events}`] : ['--input', `events=${task.events}`, '--input', `users=${task.users}`];
      const argv = [path.join(this.root, 'framework', 'cli', 'bin.js'), 'run', task.job, ...inputs, '--warehouse', warehouse, '--json'];
      const r = await this.spawnMeasured(process.execPath, argv, { ETL_STATE_DIR: `${warehouse}.state` }, rssFile);
      if (r.status !== 0) throw new SystemFailedError(system, task.job, r.status, r.stderr);
      const result = JSON.parse(r.stdout) as { output: { rowsWritten: number; location: string } };
      return { ms: r.ms, peakRssBytes: r.peakRssBytes, rowsOut: result.output.rowsWritten, outputDir: result.output.location };
    }
    const bundle = this.bundles.get(system);
    if (!bundle) throw new Error('Launcher.prepare() must run first');
    const r = await this.spawnMeasured(process.execPath, [bundle, JSON.stringify(task)], { BENCH_DUCKDB_SQL: path.join(this.root, 'bench', 'duckdb') }, rssFile);
    if (r.status !== 0) throw new SystemFailedError(system, task.job, r.status, r.stderr);
    const reported = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as SystemReport;
    return { ms: r.ms, peakRssBytes: r.peakRssBytes, rowsOut: reported.rowsOut, outputDir: task.out };
  }

  private spawnMeasured(command: string, args: readonly string[], env: Record<string, string>, rssFile: string): Promise<{ status: number | null; ms: number; peakRssBytes: number; stdout: string; stderr: string }> {
    const peakRss = pathToFileURL(path.join(this.root, 'bench', 'peak-rss.mjs')).href;
    rmSync(rssFile, { force: true });
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(command, [`--max-old-space-size=${HEAP_MB}`, '--import', peakRss, ...args], {
        cwd: this.project,
        env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (status) => {
        const ms = performance.now() - started;
        let peakRssBytes = 0;
        try {
          peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
        } catch {
          // a child that crashed before its exit hook reports nothing; its status says why
        }
        resolve({ status, ms, peakRssBytes, stdout, stderr });
      });
    });
  }
}
