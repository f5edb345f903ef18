import type { Batch } from '../columnar/column.ts';

/** What operators consume and produce. */
export type Stream = AsyncIterable<Batch>;

/** Rows per batch emitted by operators that materialize (sort, join build, window). */
export const OUTPUT_BATCH_ROWS = 65_536;
