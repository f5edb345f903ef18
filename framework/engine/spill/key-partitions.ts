/**
 * Which spill partition each row's key goes to, so that rows with equal keys (as KeyIndex in
 * keys.ts groups them) always land in the same partition, computed per row without any state
 * across batches (a dictionary of every key would be the memory the spill is there to save).
 * Equal keys hash equal: nulls are a value of their own, -0.0 is 0.0 and every NaN one NaN,
 * strings by their characters, nested values and wide decimals by the same text KeyIndex uses.
 * `seed` differs per level when a partition is partitioned again.
 */
import { takeBatch, type Column } from '../../columnar/column.ts';
import type { BoundExpr } from '../../analyze/bound.ts';
import type { DatasetSchema } from '../../schema/types.ts';
import { evaluate } from '../evaluate.ts';
import { fmix, nestedKey, wordKind } from '../keys.ts';
import { SpillFile } from './spill-file.ts';
import { drain, type Buffered } from './spill-input.ts';

/** Spill partitions per level: 16 cuts an input of 16 budgets into partitions that fit. */
export const SPILL_PARTITIONS = 16;
/**
 * A partition still over budget is partitioned again with another hash seed, at most this deep;
 * past it the partition is processed in memory whatever its size (only a few keys holding most
 * rows get there, and no hashing can split one key).
 */
export const MAX_SPILL_LEVEL = 3;

/**
 * Every row (the buffered ones, then the rest of the input) into one of SPILL_PARTITIONS files
 * by the hash of `keys` (seeded by the level). Rows with equal keys share a file, in input order.
 */
export async function spillByKey(keys: readonly BoundExpr[], schema: DatasetSchema, buffered: Buffered, dir: string, level: number): Promise<SpillFile[]> {
  const files = Array.from({ length: SPILL_PARTITIONS }, () => new SpillFile(dir, schema));
  try {
    for await (const b of drain(buffered)) {
      const p = keyPartitions(keys.map((k) => evaluate(k, b)), b.length, SPILL_PARTITIONS, level);
      const rows = Array.from({ length: SPILL_PARTITIONS }, () => [] as number[]);
      for (let i = 0; i < b.length; i++) rows[p[i]].push(i);
      rows.forEach((r, f) => r.length && files[f].append(r.length === b.length ? b : takeBatch(b, r)));
    }
  } catch (e) {
    for (const f of files) f.delete();
    throw e;
  }
  return files;
}

const scratchF = new Float64Array(1);
const scratchI = new Int32Array(scratchF.buffer);

export function keyPartitions(cols: readonly Column[], length: number, partitions: number, seed: number): Uint32Array {
  const h = new Int32Array(length).fill(0x9747b28c ^ Math.imul(seed + 1, 0x85ebca6b));
  cols.forEach((c, j) => mixColumn(h, c, length, j));
  const out = new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = (fmix(h[i]) >>> 0) % partitions;
  return out;
}

function mixColumn(h: Int32Array, c: Column, length: number, position: number): void {
  const v = c.valid;
  const nullWord = 0x7f4a7c15 + position;
  const mix = (i: number, word: number) => {
    h[i] = Math.imul(h[i] ^ word, 0x5bd1e995) ^ (h[i] >>> 13);
  };
  const isNull = (i: number) => v !== null && v[i] === 0;
  switch (wordKind(c.type)) {
    case 'int': {
      const d = c.data as Int32Array | Uint8Array;
      for (let i = 0; i < length; i++) mix(i, isNull(i) ? nullWord : d[i]);
      return;
    }
    case 'long': {
      const b = c.data as BigInt64Array;
      const d = new Int32Array(b.buffer, b.byteOffset, b.length * 2);
      for (let i = 0; i < length; i++) {
        if (isNull(i)) mix(i, nullWord);
        else {
          mix(i, d[2 * i]);
          mix(i, d[2 * i + 1]);
        }
      }
      return;
    }
    case 'double': {
      const d = c.data as Float64Array;
      for (let i = 0; i < length; i++) {
        if (isNull(i)) {
          mix(i, nullWord);
          continue;
        }
        const x = d[i];
        scratchF[0] = x !== x ? NaN : x === 0 ? 0 : x;
        mix(i, scratchI[0]);
        mix(i, scratchI[1]);
      }
      return;
    }
    case 'dict': {
      const d = c.data as unknown[];
      const text = c.type.kind === 'string';
      for (let i = 0; i < length; i++) {
        if (isNull(i)) {
          mix(i, nullWord);
          continue;
        }
        const s = text ? (d[i] as string) : nestedKey(d[i]);
        for (let k = 0; k < s.length; k++) mix(i, s.charCodeAt(k));
        mix(i, s.length);
      }
      return;
    }
  }
}
