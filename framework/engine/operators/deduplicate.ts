import { concatBatches, concatColumns, takeBatch, type Batch } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import type { ExecContext } from '../execute.ts';
import { KeyIndex, orderCodes, type OrderCodes } from '../keys.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { MAX_SPILL_LEVEL, spillByKey } from '../spill/key-partitions.ts';
import { bufferUpToBudget, withSpillFiles, type Buffered } from '../spill/spill-input.ts';

type DeduplicatePlan = Extract<BoundPlan, { kind: 'deduplicate' }>;

/**
 * One row per key: the first by the ordering, as row_number() over (partition by keys order
 * by ...) = 1 keeps in Spark. Key ids come batch by batch (typed hash table); the ordering is
 * compared on integer codes of the input's ordering columns in one pass, so it is O(n).
 * Exact ties keep the row read first; Spark may keep either, so the DSL should warn unless the
 * ordering ends with a unique column. Null keys are one key (as in Spark's PARTITION BY).
 * Removed rows are reported as filtered.
 *
 * Memory: with a spill folder, once the rows read pass the memory budget, every row (those
 * read and the rest) is hash-partitioned on the key into spill files, and each file is then
 * deduplicated on its own (again partitioned if it is still too big). Rows with one key share
 * a file, in input order, so a file gives the same rows, and the same ties, as the whole input.
 * Output rows keep input order, within each spill file when spilled.
 */
export async function* deduplicate(n: DeduplicatePlan, input: Stream, ctx: ExecContext): AsyncGenerator<Batch> {
  yield* deduplicateLevel(n, input, ctx, 0);
}

async function* deduplicateLevel(n: DeduplicatePlan, input: AsyncIterable<Batch> | Iterable<Batch>, ctx: ExecContext, level: number): AsyncGenerator<Batch> {
  const read = await readKeyed(n, input, level < MAX_SPILL_LEVEL ? ctx : { ...ctx, spill: undefined });
  if (read.buffered.rest === null) return yield* firstPerKey(n, read.buffered.parts, read.ids, read.groups, ctx);
  const files = await spillByKey(n.keys, n.schema, read.buffered, ctx.spill!.dir, level);
  yield* withSpillFiles(
    files,
    (async function* () {
      for (const f of files) yield* deduplicateLevel(n, f.read(), ctx, level + 1);
    })(),
  );
}

interface KeyedInput {
  readonly buffered: Buffered;
  /** Key ids of the buffered rows, batch by batch; empty when the budget was passed (the ids are not needed then). */
  readonly ids: readonly Int32Array[];
  readonly groups: number;
}

/** The input up to the budget, with the key id of each row (the key index is dropped once this returns). */
async function readKeyed(n: DeduplicatePlan, input: AsyncIterable<Batch> | Iterable<Batch>, ctx: ExecContext): Promise<KeyedInput> {
  const index = new KeyIndex();
  const ids: Int32Array[] = [];
  const buffered = await bufferUpToBudget(input, ctx.spill, (b) => ids.push(index.assign(n.keys.map((k) => evaluate(k, b)), b.length)));
  return buffered.rest === null ? { buffered, ids, groups: index.size } : { buffered, ids: [], groups: 0 };
}

/** The in-memory deduplication of `parts` (whose key ids are `idParts`), in input order. */
function* firstPerKey(n: DeduplicatePlan, parts: readonly Batch[], idParts: readonly Int32Array[], groups: number, ctx: ExecContext): Generator<Batch> {
  if (!parts.length) return;
  const total = parts.reduce((s, b) => s + b.length, 0);
  const ids = new Int32Array(total);
  for (let p = 0, off = 0; p < idParts.length; off += idParts[p].length, p++) ids.set(idParts[p], off);
  // Only the ordering columns are concatenated: the rows kept are taken from their own batch.
  const codes: OrderCodes[] = n.orderBy.map((k) => {
    const column = concatColumns(k.expr.type, parts.map((b) => evaluate(k.expr, b)));
    return orderCodes({ column, ascending: k.ascending, nullsFirst: k.nullsFirst });
  });
  const best = new Int32Array(groups).fill(-1);
  const K = codes.length;
  const c0 = K > 0 ? codes[0].codes : null;
  for (let i = 0; i < total; i++) {
    const g = ids[i];
    const b = best[g];
    if (b < 0) {
      best[g] = i;
      continue;
    }
    // Strictly smaller wins; ties keep the earlier row.
    let d = c0 === null ? 0 : c0[i] - c0[b];
    for (let j = 1; d === 0 && j < K; j++) d = codes[j].codes[i] - codes[j].codes[b];
    if (d < 0) best[g] = i;
  }
  const keep = best.sort();
  ctx.onRowsFiltered?.(total - keep.length);
  yield* takeInOrder(n, parts, keep);
}

/** Rows at the (ascending) global positions `keep` of the concatenated `parts`, in batches of OUTPUT_BATCH_ROWS. */
function* takeInOrder(n: DeduplicatePlan, parts: readonly Batch[], keep: Int32Array): Generator<Batch> {
  let part = 0;
  let partStart = 0;
  for (let s = 0; s < keep.length; s += OUTPUT_BATCH_ROWS) {
    const slice = keep.subarray(s, s + OUTPUT_BATCH_ROWS);
    const pieces: Batch[] = [];
    for (let i = 0; i < slice.length; ) {
      while (slice[i] >= partStart + parts[part].length) partStart += parts[part++].length;
      const end = partStart + parts[part].length;
      let j = i;
      while (j < slice.length && slice[j] < end) j++;
      const local = new Int32Array(j - i);
      for (let k = i; k < j; k++) local[k - i] = slice[k] - partStart;
      pieces.push(takeBatch(parts[part], local));
      i = j;
    }
    yield pieces.length === 1 ? pieces[0] : concatBatches(n.schema, pieces);
  }
}
