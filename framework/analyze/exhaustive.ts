import type { PlanNode } from '../plan/nodes.ts';

/** Compile-time proof that a switch over plan kinds handled every kind. */
export function assertNeverPlan(n: never): never {
  throw new Error(`unhandled plan node kind: ${(n as PlanNode).kind}`);
}
