// The shape of an optimizer rule: a small named rewrite of a logical plan.
import type { LogicalPlan } from '../logical-plan.ts';

export interface OptimizerRule {
  readonly name: string; // verb-noun: 'push-down-filter'
  /** Returns the same object when nothing changed. */
  rewrite(plan: LogicalPlan): LogicalPlan;
}

/** Applies `f` bottom-up: children first, then the node itself. */
export function rewriteBottomUp(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  if (plan.kind === 'scan') return f(plan);
  const input = rewriteBottomUp(plan.input, f);
  return f(input === plan.input ? plan : { ...plan, input });
}
