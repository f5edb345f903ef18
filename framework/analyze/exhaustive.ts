import type { PlanNode } from '../plan/nodes.ts';
import { InternalError } from '../errors/index.ts';

/** Compile-time proof that a switch over plan kinds handled every kind. */
export function assertNeverPlan(n: never): never {
  throw new InternalError(`unhandled plan node kind: ${(n as PlanNode).kind}`);
}
