// Runs the optimizer rules, in order, over a bound logical plan.
import type { LogicalPlan } from './logical-plan.ts';
import { fuseWindowAggregate } from './rules/fuse-window-aggregate.ts';
import { pruneColumns } from './rules/prune-columns.ts';
import { pushDownFilter } from './rules/push-down-filter.ts';
import type { OptimizerRule } from './rules/rule.ts';

/** Order matters: filters move below windows before the aggregate over the window is fused. */
export const RULES: readonly OptimizerRule[] = [pushDownFilter, fuseWindowAggregate, pruneColumns];

export function optimize(plan: LogicalPlan, rules: readonly OptimizerRule[] = RULES): LogicalPlan {
  return rules.reduce((p, rule) => rule.rewrite(p), plan);
}
