/**
 * What the spilling operators share: reading their input until it ends or their buffered rows
 * pass the memory budget, and cleaning up the spill files they made, whatever way they end.
 */
import { batchBytes } from '../../columnar/batch-bytes.ts';
import type { Batch } from '../../columnar/column.ts';
import type { SpillFile, SpillSettings } from './spill-file.ts';

export interface Buffered {
  /** The batches read so far (non-empty ones). */
  readonly parts: Batch[];
  /** The rest of the input when the budget was passed; null when the input ended first. */
  readonly rest: AsyncIterator<Batch> | null;
}

/** Reads `input` until it ends, or (with a spill folder) until the batches read pass the budget. */
export async function bufferUpToBudget(input: AsyncIterable<Batch> | Iterable<Batch>, spill: SpillSettings | undefined, onBatch?: (b: Batch) => void): Promise<Buffered> {
  const it = toAsyncIterator(input);
  const parts: Batch[] = [];
  let bytes = 0;
  for (;;) {
    const r = await it.next();
    if (r.done) return { parts, rest: null };
    const b = r.value;
    if (b.length === 0) continue;
    parts.push(b);
    onBatch?.(b);
    if (spill === undefined) continue;
    bytes += batchBytes(b);
    if (bytes > spill.memoryBudget) return { parts, rest: it };
  }
}

/** The buffered batches, then the rest of the input; each buffered batch is dropped once handed out, so it can be collected. */
export async function* drain(buffered: Buffered): AsyncGenerator<Batch> {
  const parts = buffered.parts;
  while (parts.length) yield parts.shift()!;
  if (buffered.rest === null) return;
  for (;;) {
    const r = await buffered.rest.next();
    if (r.done) return;
    if (r.value.length) yield r.value;
  }
}

/** Deletes the files when the caller is done with them, including on an error or an early stop. */
export async function* withSpillFiles<T>(files: readonly SpillFile[], body: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* body;
  } finally {
    for (const f of files) f.delete();
  }
}

export function toAsyncIterator(input: AsyncIterable<Batch> | Iterable<Batch>): AsyncIterator<Batch> {
  if (Symbol.asyncIterator in input) return input[Symbol.asyncIterator]();
  const sync = input[Symbol.iterator]();
  return { next: async () => sync.next() };
}
