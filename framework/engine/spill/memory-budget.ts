/**
 * The memory budget of a local run: how many bytes of rows (estimated as
 * framework/columnar/batch-bytes.ts does) each operator that holds its input (deduplicate,
 * sort, window, a join's right side) may keep before it spills; the table writer flushes at an
 * eighth of it. Set per run with `--memory-budget 1GB`, per local environment with
 * `memoryBudget: '1GB'` in etl.config.ts.
 *
 * The default, 512 MB, from the benchmark's events_clean (`npm run bench`, 12 GB heap, measured
 * 2026-12-06 on the 2-core build machine): its dropDuplicates input at 1M events estimates at
 * 290 MB (999,685 rows), so a 1M-event run never spills (CPU 8.9 s, median of 3, against 8.8 s
 * with a budget of 1TB, i.e. none); at 4M events it spills at 1.83M rows (RSS 620 MB then) into
 * 16 partitions of ~250k rows (72 MB) each. Peak RSS: 554 MB at 1M, 640 MB at 4M (1.16x; 584 and
 * 727 MB, 1.24x, in the committed bench results, with the same day's other engine changes; it was
 * 1,630 MB at 4M while the writer buffered up to the whole budget and the unique check kept
 * every event_id). A lower default would spill smaller inputs and cost them the spill's CPU.
 */
import { UsageError } from '../../errors/index.ts';

export const DEFAULT_MEMORY_BUDGET = 512 * 1024 ** 2;

/**
 * What the table writer may buffer of a run's budget. Small, because a flushed file is turned
 * into Arrow and Parquet whole, which takes about as much again outside the heap, and because
 * the writer fills while an operator may hold its whole budget.
 */
export function writerBufferBytes(memoryBudget: number): number {
  return Math.floor(memoryBudget / 8);
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)\s*$/i;

/** A size such as `512MB` or `1.5GB` (units of 1024), or null when the text is not one. */
export function parseByteSize(text: string): number | null {
  const m = SIZE.exec(text);
  if (!m) return null;
  const bytes = Math.round(Number(m[1]) * UNITS[m[2].toUpperCase()]);
  return bytes > 0 ? bytes : null;
}

/** A memory budget given by the user (`what` says where: the flag or the config key). */
export function memoryBudgetOf(text: string, what: string): number {
  const bytes = parseByteSize(text);
  if (bytes === null) throw new UsageError(`${what}: '${text}' is not a memory size`, `give a number with a unit, e.g. ${what.startsWith('--') ? `${what} 1GB` : `${what}: '1GB'`} (B, KB, MB, GB or TB; units of 1024)`);
  return bytes;
}
