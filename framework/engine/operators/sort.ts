import { concatBatches, sliceBatch, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { ExecContext } from '../execute.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { sortRows } from '../sort-rows.ts';
import { SpillFile } from '../spill/spill-file.ts';
import { bufferUpToBudget, withSpillFiles } from '../spill/spill-input.ts';

type SortPlan = Extract<BoundPlan, { kind: 'sort' }>;

/**
 * Rows per frame of a sorted run on disk: the merge holds one frame per run, so this bounds its
 * memory (16 runs x 8,192 rows), and each merge step re-sorts at most that many rows.
 */
const RUN_FRAME_ROWS = 8_192;

/**
 * Materializes the input and sorts a permutation of row indices: each key becomes
 * order-preserving integer codes (direction and null placement applied, Spark's orderings,
 * see keys.ts), then a stable LSD radix sort over the codes; string keys after the first key
 * only break ties (sort-rows.ts). Stable: equal rows keep input order. Emits the permuted rows in batches.
 *
 * Memory: with a spill folder, each time the rows read pass the memory budget they are sorted
 * and written as a sorted run; the runs are then merged (mergeRuns). Still stable: runs hold
 * consecutive stretches of the input, and the merge puts equal rows of earlier runs first.
 */
export async function* sort(n: SortPlan, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  let buffered = await bufferUpToBudget(input, ctx.spill);
  if (buffered.rest === null) return yield* sortedBatches(n, buffered.parts, OUTPUT_BATCH_ROWS);
  const runs: SpillFile[] = [];
  try {
    for (;;) {
      const run = new SpillFile(ctx.spill!.dir, n.schema);
      runs.push(run);
      for (const b of sortedBatches(n, buffered.parts, RUN_FRAME_ROWS)) run.append(b);
      if (buffered.rest === null) break;
      const rest = buffered.rest;
      buffered = await bufferUpToBudget({ [Symbol.asyncIterator]: () => rest }, ctx.spill);
    }
  } catch (e) {
    for (const r of runs) r.delete();
    throw e;
  }
  yield* withSpillFiles(runs, mergeRuns(n, runs));
}

function* sortedBatches(n: SortPlan, parts: readonly Batch[], rowsPerBatch: number): Generator<Batch> {
  if (!parts.length) return;
  const all = concatBatches(n.schema, parts);
  const perm = sortRows(null, sortKeys(n, all), all.length).order;
  for (let s = 0; s < perm.length; s += rowsPerBatch) yield takeBatch(all, perm.subarray(s, s + rowsPerBatch));
}

function sortKeys(n: SortPlan, b: Batch) {
  return n.keys.map((k) => ({ column: evaluate(k.expr, b), ascending: k.ascending, nullsFirst: k.nullsFirst }));
}

/**
 * A k-way merge of sorted runs that compares rows only through the sort itself, so the merge
 * orders exactly as the in-memory sort does for every type (nested keys, NaN, nulls first or
 * last). Each step sorts the rows loaded from every run (one frame each, in run order) and emits
 * them up to the frontier: the first position holding the last loaded row of a run that has more
 * frames. Whatever is still on disk sorts after its run's last loaded row, so after the frontier;
 * a tie goes to the earlier run, as the stable sort of the runs in input order puts it. The run
 * at the frontier is emptied, so every step loads at least one new frame.
 */
async function* mergeRuns(n: SortPlan, runs: readonly SpillFile[]): AsyncGenerator<Batch> {
  const readers = runs.map((r) => r.read());
  try {
    yield* mergeSteps(n, readers);
  } finally {
    for (const r of readers) r.return(undefined);
  }
}

async function* mergeSteps(n: SortPlan, readers: readonly Generator<Batch>[]): AsyncGenerator<Batch> {
  const loaded: (Batch | null)[] = readers.map(() => null);
  const more = readers.map(() => true);
  for (;;) {
    for (let r = 0; r < readers.length; r++) {
      if (loaded[r] !== null || !more[r]) continue;
      const next = readers[r].next();
      if (next.done) more[r] = false;
      else loaded[r] = next.value;
    }
    const live = loaded.flatMap((b, r) => (b === null ? [] : [{ run: r, batch: b }]));
    if (!live.length) return;
    const all = concatBatches(n.schema, live.map((l) => l.batch));
    const order = sortRows(null, sortKeys(n, all), all.length).order;
    const rank = new Int32Array(all.length);
    for (let k = 0; k < order.length; k++) rank[order[k]] = k;
    let frontier = all.length - 1;
    let start = 0;
    const starts: number[] = [];
    for (const l of live) {
      starts.push(start);
      start += l.batch.length;
      if (more[l.run]) frontier = Math.min(frontier, rank[start - 1]);
    }
    const emitted = order.subarray(0, frontier + 1);
    for (let s = 0; s < emitted.length; s += OUTPUT_BATCH_ROWS) yield takeBatch(all, emitted.subarray(s, s + OUTPUT_BATCH_ROWS));
    // What each run gave is a prefix of its loaded rows (a run is sorted and the sort is stable).
    live.forEach((l, i) => {
      let used = 0;
      for (let k = 0; k < l.batch.length; k++) if (rank[starts[i] + k] <= frontier) used++;
      loaded[l.run] = used === l.batch.length ? null : sliceBatch(l.batch, used, l.batch.length);
    });
  }
}
