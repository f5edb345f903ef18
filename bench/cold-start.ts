/**
 * `npm run bench:cold -- [--repeat N] [--spark-repeat N] [--no-spark]`
 *
 * The offline loop as a user sees it: whole commands, each a fresh process, on the committed
 * sample. `etl run events_clean` and `etl plan events_clean` (median of N, after one unmeasured
 * run that builds the CLI bundle), side by side with the same job's compiled plan run through
 * the framework's Spark driver on local Spark (spark-submit --master local[2], as the Spark
 * suite runs it; needs `npm run setup:spark`). Writes bench/results/cold-start.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SPARK_SUBMIT, sparkSubmit } from '../test/spark/spark.ts';
import { machine, median } from './results.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'framework', 'cli', 'bin.js');

interface Timing {
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
}

export interface ColdStartResults {
  readonly machine: ReturnType<typeof machine>;
  readonly job: string;
  readonly etlRun: Timing;
  readonly etlPlan: Timing;
  /** The compiled plan through deploy/spark/driver.py on local Spark; null when Spark is not installed. */
  readonly sparkSubmit: Timing | null;
  /** sparkSubmit median / etlRun median. */
  readonly sparkOverEtlRun: number | null;
}

function timed(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`etl ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return ms;
}

const timing = (samples: number[]): Timing => ({ medianMs: Math.round(median(samples)), samplesMs: samples.map(Math.round) });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '9' }, 'spark-repeat': { type: 'string', default: '3' }, 'no-spark': { type: 'boolean', default: false } } });
  const repeat = Number(values.repeat);
  const sparkRepeat = Number(values['spark-repeat']);
  const job = 'events_clean';
  const dir = mkdtempSync(path.join(tmpdir(), 'lakeform-cold-'));
  try {
    const env = { ...process.env, ETL_WAREHOUSE: path.join(dir, 'warehouse'), ETL_STATE_DIR: path.join(dir, 'state'), NO_COLOR: '1' };
    timed(['run', job], env); // builds the CLI bundle and compiles the job file, if stale
    const run: number[] = [];
    const plan: number[] = [];
    // interleaved, so a burst of load on the shared machine hits both alike
    for (let i = 0; i < repeat; i++) {
      run.push(timed(['run', job], env));
      plan.push(timed(['plan', job], env));
      process.stderr.write(`  etl run ${Math.round(run[i])} ms, etl plan ${Math.round(plan[i])} ms\n`);
    }

    let spark: Timing | null = null;
    if (!values['no-spark'] && existsSync(SPARK_SUBMIT)) {
      const out = path.join(dir, 'plan');
      timed(['plan', job, '--out', out], env);
      const params = Object.entries((JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as { params: Record<string, string> }).params).map(([k, v]) => `${k}=${v}`);
      const samples: number[] = [];
      for (let i = 0; i < sparkRepeat; i++) {
        const target = path.join(dir, `spark-${i}`);
        const args = [...params, '--output-location', path.join(target, 'table'), '--quarantine-location', path.join(target, 'quarantine'), '--input', `raw=${path.join(ROOT, 'sample', 'events')}`];
        const started = performance.now();
        const r = await sparkSubmit(path.join(out, 'driver.py'), path.join(out, 'plan.json'), args);
        samples.push(performance.now() - started);
        if (r.status !== 0 || r.result.status !== 'succeeded') throw new Error(`spark-submit failed (${r.status}): ${JSON.stringify(r.result)}`);
        process.stderr.write(`  spark-submit ${Math.round(samples[i])} ms\n`);
      }
      spark = timing(samples);
    } else if (!values['no-spark']) {
      process.stderr.write(`no local Spark at ${path.relative(ROOT, SPARK_SUBMIT)} (npm run setup:spark): Spark not timed\n`);
    }

    const etlRun = timing(run);
    const results: ColdStartResults = {
      machine: machine(repeat),
      job,
      etlRun,
      etlPlan: timing(plan),
      sparkSubmit: spark,
      sparkOverEtlRun: spark ? Math.round((spark.medianMs / etlRun.medianMs) * 10) / 10 : null,
    };
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'cold-start.json'), `${JSON.stringify(results, null, 2)}\n`);
    const lines = [
      `${job} on the committed sample, whole commands, median of ${repeat} (Spark: ${sparkRepeat}):`,
      `  etl run       ${results.etlRun.medianMs} ms   (target < 500 ms)`,
      `  etl plan      ${results.etlPlan.medianMs} ms   (target < 300 ms)`,
      spark ? `  spark-submit  ${spark.medianMs} ms   (local[2], the compiled plan through deploy/spark/driver.py): ${results.sparkOverEtlRun}x etl run` : '  spark-submit  not measured',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
