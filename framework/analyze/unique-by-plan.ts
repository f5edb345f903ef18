/**
 * Whether a plan's output is unique on some of its columns by construction, so a `unique` check
 * on them cannot fail and need not hold every key it sees (at 4M events, the set of event_ids
 * was the largest thing a run of events_clean kept in memory).
 *
 * Proven when, walking down through operators that only drop, reorder or extend rows (filter,
 * sort, limit, window) or map them one to one (project), a deduplicate or an aggregate is reached
 * whose keys are all plain columns among the checked ones. Rows distinct on a subset of the
 * columns are distinct on all of them, so a computed column simply leaves the set. A key that
 * is null is one value to deduplicate and group by, and the check skips rows with a null key,
 * so nulls cannot break the proof. Anything else (joins, unions, explode) is not proven.
 */
import type { BoundPlan } from './bound.ts';

export function uniqueByPlan(plan: BoundPlan, columns: readonly number[]): boolean {
  const set = new Set(columns);
  if (!set.size) return false;
  switch (plan.kind) {
    case 'filter':
    case 'sort':
    case 'limit':
      return uniqueByPlan(plan.input, columns);
    case 'window': {
      // The window's own columns come after the input's.
      const width = plan.input.schema.fields.length;
      return uniqueByPlan(plan.input, columns.filter((c) => c < width));
    }
    case 'project':
      return uniqueByPlan(
        plan.input,
        columns.flatMap((c) => {
          const e = plan.columns[c];
          return e.kind === 'column' ? [e.index] : [];
        }),
      );
    case 'deduplicate':
      return plan.keys.every((k) => k.kind === 'column' && set.has(k.index)) || uniqueByPlan(plan.input, columns);
    case 'aggregate':
      // Group keys are the first columns of the output.
      return plan.groupBy.every((_, i) => set.has(i));
    case 'scan':
    case 'join':
    case 'union':
    case 'generate':
      return false;
  }
}
