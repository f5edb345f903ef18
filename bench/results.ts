/** The bench's output, as bench/results/latest.json and `npm run bench -- --json` print it. */
import os from 'node:os';

export interface BenchResult {
  readonly system: string;
  readonly job: string;
  /** Median wall time of the whole process (start to exit), over the repetitions. */
  readonly ms: number;
  /** Median peak resident set size of the process. */
  readonly peakRssMb: number;
  readonly rowsOut: number;
  /** Order-independent checksum of the output (bench/checksum.ts); equal across systems. */
  readonly checksum: string;
}

export interface Machine {
  readonly cpus: number;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  /** Runs per system and job; figures are medians. */
  readonly repeat: number;
  /** 1-minute load average when the bench started (other processes share the machine). */
  readonly loadAverage: number;
}

export interface BenchResults {
  readonly rows: number;
  readonly machine: Machine;
  readonly results: readonly BenchResult[];
}

export function machine(repeat: number): Machine {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    repeat,
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
