// Turns GROUP BY window_start, window_end, ... over a window TVF into one stateful window aggregate.
import { type BoundExpr, columnsUsed, remapColumns } from '../bound-expr.ts';
import { type LogicalPlan, WINDOW_COLUMNS, type WindowGroup } from '../logical-plan.ts';
import { type OptimizerRule, rewriteBottomUp } from './rule.ts';

export const fuseWindowAggregate: OptimizerRule = {
  name: 'fuse-window-aggregate',
  rewrite: (plan) => rewriteBottomUp(plan, fuse),
};

function fuse(plan: LogicalPlan): LogicalPlan {
  if (plan.kind !== 'aggregate') return plan;
  if (plan.input.kind === 'filter' && plan.input.input.kind === 'window') return fuseFiltered(plan, plan.input);
  if (plan.input.kind !== 'window') return plan;
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

/**
 * A filter between the window and its aggregate that reads only window bounds (`WHERE window_start >= ...`;
 * the rest was pushed below the window) keeps or drops whole groups: it runs after the aggregate instead.
 */
function fuseFiltered(plan: LogicalPlan & { kind: 'aggregate' }, filter: LogicalPlan & { kind: 'filter' }): LogicalPlan {
  const fused = fuse({ ...plan, input: filter.input });
  if (fused.kind !== 'window-aggregate') return plan;
  const width = filter.input.schema.fields.length - WINDOW_COLUMNS.length;
  const outputOf = new Map<number, number>();
  fused.groups.forEach((g, i) => {
    if (g.kind === 'window-column') outputOf.set(width + WINDOW_COLUMNS.indexOf(g.column), i);
  });
  if ([...columnsUsed(filter.predicate)].some((c) => !outputOf.has(c))) return plan;
  const predicate = remapColumns(filter.predicate, (c) => outputOf.get(c)!);
  return { kind: 'filter', input: fused, predicate, schema: fused.schema };
}
