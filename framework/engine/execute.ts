/**
 * The local engine: a bound plan becomes a pull-based async iterator of batches. Each plan
 * kind has one operator file; the switch is exhaustive, so a new kind does not compile until
 * it has an operator.
 */
import { concatBatches, emptyBatch, type Batch } from '../columnar/column.ts';
import type { Stream } from './stream.ts';
import type { BoundPlan } from '../analyze/bound.ts';
import { assertNeverPlan } from '../analyze/exhaustive.ts';
import type { DatasetSchema } from '../schema/types.ts';
import { filter } from './operators/filter.ts';
import { project } from './operators/project.ts';
import { aggregate } from './operators/aggregate.ts';
import { join } from './operators/join.ts';
import { union } from './operators/union.ts';
import { sort } from './operators/sort.ts';
import { limit } from './operators/limit.ts';
import { deduplicate } from './operators/deduplicate.ts';
import { windows } from './operators/window.ts';
import { windowChain } from './fuse-windows.ts';
import { generate } from './operators/generate.ts';
import { usedColumns } from './used-columns.ts';
import type { SpillSettings } from './spill/spill-file.ts';

export interface ExecContext {
  /**
   * Batches of a job input, in the given schema. `used[i]` is false for a column no operator
   * reads: a reader may leave it null instead of decoding it.
   */
  scan(input: string, schema: DatasetSchema, used: readonly boolean[]): AsyncIterable<Batch>;
  /** Rows removed by filters and deduplication, for the run's row balance. */
  onRowsFiltered?(n: number): void;
  /**
   * Where operators that hold their whole input (deduplicate, sort, window, a join's right
   * side) spill it once it passes the memory budget. Without it they hold everything in memory
   * (previews, tests on small data).
   */
  readonly spill?: SpillSettings;
}

export function execute(plan: BoundPlan, ctx: ExecContext): Stream {
  const used = usedColumns(plan);
  const run = (n: BoundPlan): Stream => {
    switch (n.kind) {
      case 'scan':
        return ctx.scan(n.input, n.schema, used.get(n)!);
      case 'filter':
        return filter(n, run(n.input), ctx);
      case 'project':
        return project(n, run(n.input));
      case 'window': {
        const chain = windowChain(n);
        return windows(chain, run(chain.input), ctx);
      }
      case 'aggregate':
        return aggregate(n, run(n.input));
      case 'join':
        return join(n, run(n.left), run(n.right), ctx);
      case 'union':
        return union(n, n.inputs.map(run));
      case 'sort':
        return sort(n, run(n.input), ctx);
      case 'limit':
        return limit(n, run(n.input));
      case 'deduplicate':
        return deduplicate(n, run(n.input), ctx);
      case 'generate':
        return generate(n, run(n.input));
      default:
        return assertNeverPlan(n);
    }
  };
  return run(plan);
}

/** All batches of a stream as one batch. */
export async function collect(schema: DatasetSchema, stream: Stream): Promise<Batch> {
  const parts: Batch[] = [];
  for await (const b of stream) if (b.length) parts.push(b);
  return parts.length ? concatBatches(schema, parts) : emptyBatch(schema);
}
