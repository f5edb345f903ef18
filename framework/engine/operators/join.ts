import { concatBatches, emptyBatch, take, type Batch, type Column } from '../../columnar/column.ts';
import type { BoundPlan } from '../../analyze/bound.ts';
import { evaluate } from '../evaluate.ts';
import { KeyIndex } from '../keys.ts';
import { OUTPUT_BATCH_ROWS, type Stream } from '../stream.ts';
import { castColumn } from '../../functions/cast.ts';
import { conditional } from '../../functions/conditional.ts';

type JoinPlan = Extract<BoundPlan, { kind: 'join' }>;

/**
 * Hash join: the right side is built into a hash table (key id -> chain of rows), the left
 * side streams through it. Null keys never match. Unmatched right rows of right/full joins
 * are emitted at the end.
 */
export async function* join(n: JoinPlan, left: Stream, right: Stream): AsyncGenerator<Batch> {
  const parts: Batch[] = [];
  for await (const b of right) if (b.length) parts.push(b);
  const build = parts.length ? concatBatches(n.right.schema, parts) : emptyBatch(n.right.schema);
  const index = new KeyIndex();
  const buildKeys = n.rightKeys.map((k) => evaluate(k, build));
  const ids = index.assign(buildKeys, build.length);
  const head = new Int32Array(index.size).fill(-1);
  const next = new Int32Array(build.length).fill(-1);
  for (let r = build.length - 1; r >= 0; r--) {
    if (buildKeys.some((k) => k.valid !== null && k.valid[r] === 0)) continue;
    next[r] = head[ids[r]];
    head[ids[r]] = r;
  }
  const matchedRight = n.how === 'right' || n.how === 'full' ? new Uint8Array(build.length) : null;

  for await (const batch of left) {
    if (batch.length === 0) continue;
    const probe = index.lookup(n.leftKeys.map((k) => evaluate(k, batch)), batch.length);
    const li: number[] = [];
    const ri: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      const id = probe[i];
      let r = id >= 0 ? head[id] : -1;
      if (n.how === 'semi' || n.how === 'anti') {
        if ((r >= 0) === (n.how === 'semi')) li.push(i);
        continue;
      }
      if (r < 0) {
        if (n.how === 'left' || n.how === 'full') (li.push(i), ri.push(-1));
        continue;
      }
      for (; r >= 0; r = next[r]) {
        li.push(i);
        ri.push(r);
        if (matchedRight) matchedRight[r] = 1;
      }
    }
    for (let s = 0; s < li.length; s += OUTPUT_BATCH_ROWS) {
      yield output(n, batch, build, li.slice(s, s + OUTPUT_BATCH_ROWS), ri.slice(s, s + OUTPUT_BATCH_ROWS));
    }
  }
  if (matchedRight) {
    const unmatched: number[] = [];
    for (let r = 0; r < build.length; r++) if (matchedRight[r] === 0) unmatched.push(r);
    const noLeft = emptyBatch(n.left.schema);
    for (let s = 0; s < unmatched.length; s += OUTPUT_BATCH_ROWS) {
      const rows = unmatched.slice(s, s + OUTPUT_BATCH_ROWS);
      yield output(n, noLeft, build, rows.map(() => -1), rows);
    }
  }
}

const coalesce = conditional.find((f) => f.name === 'coalesce')!;

function output(n: JoinPlan, left: Batch, right: Batch, li: number[], ri: number[]): Batch {
  const columns = n.output.map((o, i): Column => {
    const type = n.schema.fields[i].type;
    if (o.from === 'coalesce') {
      const l = castColumn(take(left.columns[o.leftIndex], li), type);
      const r = castColumn(take(right.columns[o.rightIndex], ri), type);
      return coalesce.kernel([l, r], li.length, type, [{ type }, { type }]);
    }
    return castColumn(o.from === 'left' ? take(left.columns[o.index], li) : take(right.columns[o.index], ri), type);
  });
  return { schema: n.schema, length: li.length, columns };
}
