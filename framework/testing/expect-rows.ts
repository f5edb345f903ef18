/**
 * `expectRows`: the comparison and the diff of `etl test`, for a test written in code. Rows
 * compare as a multiset unless the job orders its output, doubles within a relative tolerance,
 * and a failure names missing, unexpected and changed rows with the changed columns:
 *
 *   expectRows(await testJob(job, { inputs }), [{ event_id: 'e1', ... }]);
 */
import pc from 'picocolors';
import { compareRows, isClean, type RowDiff } from './compare.ts';
import { diffLines } from './report.ts';
import type { Row } from './rows.ts';
import type { TestJobResult } from './test-job.ts';

const plain = pc.createColors(false);

export interface ExpectRowsOptions {
  /** Relative tolerance for doubles (default 1e-9). */
  readonly floatTolerance?: number;
}

/** Thrown by expectRows: the message is the diff (without colours, so it reads the same in any runner's output). */
export class RowsDifferError extends Error {
  override readonly name: string = 'RowsDifferError';
  constructor(readonly diff: RowDiff) {
    super(`the output rows differ from the expected rows:\n${diffLines(diff, '  ', plain).join('\n')}`);
  }
}

/** Expected rows list every output column, as expected.jsonl does (`etl test --update` writes them). */
export function expectRows(result: Pick<TestJobResult<object>, 'rows' | 'schema' | 'ordered' | 'keyColumns'>, expected: readonly Row[], options: ExpectRowsOptions = {}): void {
  const diff = compareRows(result.schema, expected, result.rows as Row[], {
    ordered: result.ordered,
    keyColumns: result.keyColumns,
    ...(options.floatTolerance !== undefined ? { tolerance: options.floatTolerance } : {}),
  });
  if (!isClean(diff)) throw new RowsDifferError(diff);
}
