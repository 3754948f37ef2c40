// Moves filters below window TVFs and projections, so rows are dropped before work is spent on them.
import { InternalError } from '../../parser/errors.ts';
import { type BoundExpr, columnsUsed } from '../bound-expr.ts';
import { resolveFunction } from '../functions/registry.ts';
import type { LogicalPlan } from '../logical-plan.ts';
import { type OptimizerRule, rewriteBottomUp } from './rule.ts';

export const pushDownFilter: OptimizerRule = {
  name: 'push-down-filter',
  rewrite: (plan) => rewriteBottomUp(plan, pushOnce),
};

function pushOnce(plan: LogicalPlan): LogicalPlan {
  if (plan.kind !== 'filter') return plan;
  const below = plan.input;
  // A window only appends columns: the conjuncts on the input's columns can run first.
  if (below.kind === 'window') {
    const inputWidth = below.input.schema.fields.length;
    const terms = conjuncts(plan.predicate);
    const usesWindow = (e: BoundExpr) => [...columnsUsed(e)].some((i) => i >= inputWidth);
    const down = terms.filter((t) => !usesWindow(t));
    if (down.length === 0) return plan;
    const filter: LogicalPlan = { kind: 'filter', input: below.input, predicate: and(down), schema: below.input.schema };
    const window: LogicalPlan = { ...below, input: pushOnce(filter) };
    const up = terms.filter(usesWindow);
    return up.length === 0 ? window : { ...plan, input: window, predicate: and(up) };
  }
  // Through a projection, by substituting the projected expressions into the predicate.
  if (below.kind === 'project') {
    const predicate = substitute(plan.predicate, below.exprs);
    const filter: LogicalPlan = { kind: 'filter', input: below.input, predicate, schema: below.input.schema };
    return { ...below, input: pushOnce(filter) };
  }
  return plan;
}

/** `a AND b AND c` as [a, b, c]. */
export function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'call' && e.fn === 'AND' ? e.args.flatMap(conjuncts) : [e];
}

export function and(terms: readonly BoundExpr[]): BoundExpr {
  return terms.reduce((a, b) => {
    const r = resolveFunction('AND', [a.type, b.type]);
    if (!r.ok) throw new InternalError('AND of booleans did not resolve');
    return { kind: 'call', fn: 'AND', args: [a, b], kernel: r.resolved.kernel, type: r.resolved.type, nullable: a.nullable || b.nullable };
  });
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

