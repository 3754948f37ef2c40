// Moves filters below window TVFs and projections, so rows are dropped before work is spent on them.
import { type BoundExpr, columnsUsed } from '../bound-expr.ts';
import type { LogicalPlan } from '../logical-plan.ts';
import { type OptimizerRule, rewriteBottomUp } from './rule.ts';

export const pushDownFilter: OptimizerRule = {
  name: 'push-down-filter',
  rewrite: (plan) => rewriteBottomUp(plan, pushOnce),
};

function pushOnce(plan: LogicalPlan): LogicalPlan {
  if (plan.kind !== 'filter') return plan;
  const below = plan.input;
  // A window only appends columns: a predicate on the input's columns can run first.
  if (below.kind === 'window') {
    const inputWidth = below.input.schema.fields.length;
    if ([...columnsUsed(plan.predicate)].some((i) => i >= inputWidth)) return plan;
    const filter: LogicalPlan = { kind: 'filter', input: below.input, predicate: plan.predicate, schema: below.input.schema };
    return { ...below, input: pushOnce(filter) };
  }
  // Through a projection, by substituting the projected expressions into the predicate.
  if (below.kind === 'project') {
    const predicate = substitute(plan.predicate, below.exprs);
    const filter: LogicalPlan = { kind: 'filter', input: below.input, predicate, schema: below.input.schema };
    return { ...below, input: pushOnce(filter) };
  }
  return plan;
}

function substitute(e: BoundExpr, exprs: readonly BoundExpr[]): BoundExpr {
  switch (e.kind) {
    case 'column-ref':
      return exprs[e.index]!;
    case 'literal':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => substitute(a, exprs)) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: substitute(w.when, exprs), then: substitute(w.then, exprs) })),
        else: e.else && substitute(e.else, exprs),
      };
  }
}

