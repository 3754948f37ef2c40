// Turns GROUP BY window_start, window_end, ... over a window TVF into one stateful window aggregate.
import { type BoundExpr, columnsUsed } from '../bound-expr.ts';
import { type LogicalPlan, WINDOW_COLUMNS, type WindowGroup } from '../logical-plan.ts';
import { type OptimizerRule, rewriteBottomUp } from './rule.ts';

export const fuseWindowAggregate: OptimizerRule = {
  name: 'fuse-window-aggregate',
  rewrite: (plan) => rewriteBottomUp(plan, fuse),
};

function fuse(plan: LogicalPlan): LogicalPlan {
  if (plan.kind !== 'aggregate' || plan.input.kind !== 'window') return plan;
  const window = plan.input;
  const width = window.input.schema.fields.length; // window columns are width, width+1, width+2
  const usesWindow = (e: BoundExpr) => [...columnsUsed(e)].some((i) => i >= width);
  const groups: WindowGroup[] = [];
  for (const g of plan.groupBy) {
    if (g.kind === 'column-ref' && g.index >= width) groups.push({ kind: 'window-column', column: WINDOW_COLUMNS[g.index - width]! });
    else if (usesWindow(g)) return plan;
    else groups.push({ kind: 'key', expr: g });
  }
  const bounds = groups.filter((g) => g.kind === 'window-column').map((g) => (g as { column: string }).column);
  if (!bounds.includes('window_start') || !bounds.includes('window_end')) return plan;
  if (plan.aggregates.some((a) => a.arg && usesWindow(a.arg))) return plan;
  return { kind: 'window-aggregate', input: window.input, window: window.window, groups, aggregates: plan.aggregates, schema: plan.schema };
}
