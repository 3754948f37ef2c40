// Keeps only the columns a query uses, down to the scan, so sources parse and carry nothing else.
import { type BoundExpr, columnsUsed, remapColumns } from '../bound-expr.ts';
import type { LogicalPlan, WindowGroup } from '../logical-plan.ts';
import type { OptimizerRule } from './rule.ts';

export const pruneColumns: OptimizerRule = {
  name: 'prune-columns',
  rewrite: (plan) => {
    const all = new Set(plan.schema.fields.map((_, i) => i));
    const pruned = prune(plan, all);
    return pruned.changed ? pruned.plan : plan;
  },
};

interface Pruned {
  readonly plan: LogicalPlan;
  /** Old output index → new output index, for the columns kept. */
  readonly map: Map<number, number>;
  readonly changed: boolean;
}

function usedBy(exprs: readonly (BoundExpr | undefined)[], into = new Set<number>()): Set<number> {
  for (const e of exprs) if (e) columnsUsed(e, into);
  return into;
}

const identity = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, i] as [number, number]));
const remap = (map: Map<number, number>) => (i: number) => map.get(i)!;

function prune(plan: LogicalPlan, required: Set<number>): Pruned {
  switch (plan.kind) {
    case 'scan': {
      const keep = [...required].sort((a, b) => a - b);
      if (keep.length === plan.columns.length) return { plan, map: identity(keep.length), changed: false };
      const map = new Map(keep.map((old, i) => [old, i] as [number, number]));
      const columns = keep.map((i) => plan.columns[i]!);
      return { plan: { ...plan, columns, schema: { fields: keep.map((i) => plan.schema.fields[i]!) } }, map, changed: true };
    }
    case 'watermark': {
      const need = usedBy([plan.expr], new Set([...required, plan.timeColumn]));
      const input = prune(plan.input, need);
      const m = remap(input.map);
      return {
        plan: { ...plan, input: input.plan, timeColumn: m(plan.timeColumn), expr: remapColumns(plan.expr, m), schema: input.plan.schema },
        map: input.map,
        changed: input.changed,
      };
    }
    case 'filter': {
      const input = prune(plan.input, usedBy([plan.predicate], new Set(required)));
      return {
        plan: { ...plan, input: input.plan, predicate: remapColumns(plan.predicate, remap(input.map)), schema: input.plan.schema },
        map: input.map,
        changed: input.changed,
      };
    }
    case 'project': {
      const keep = plan.exprs.map((_, i) => i).filter((i) => required.has(i));
      const exprs = keep.map((i) => plan.exprs[i]!);
      const input = prune(plan.input, usedBy(exprs));
      const m = remap(input.map);
      return {
        plan: { ...plan, input: input.plan, exprs: exprs.map((e) => remapColumns(e, m)), schema: { fields: keep.map((i) => plan.schema.fields[i]!) } },
        map: new Map(keep.map((old, i) => [old, i] as [number, number])),
        changed: input.changed || keep.length !== plan.exprs.length,
      };
    }
    case 'window': {
      const width = plan.input.schema.fields.length;
      const need = new Set([...required].filter((i) => i < width));
      need.add(plan.window.timeColumn);
      const input = prune(plan.input, need);
      const newWidth = input.plan.schema.fields.length;
      const map = new Map(input.map);
      for (let k = 0; k < 3; k++) map.set(width + k, newWidth + k);
      const fields = [...input.plan.schema.fields, ...plan.schema.fields.slice(width)];
      const window = { ...plan.window, timeColumn: remap(input.map)(plan.window.timeColumn) };
      return { plan: { ...plan, input: input.plan, window, schema: { fields } }, map, changed: input.changed };
    }
    case 'aggregate': {
      const input = prune(plan.input, usedBy([...plan.groupBy, ...plan.aggregates.map((a) => a.arg)]));
      const m = remap(input.map);
      return {
        plan: {
          ...plan,
          input: input.plan,
          groupBy: plan.groupBy.map((g) => remapColumns(g, m)),
          aggregates: plan.aggregates.map((a) => (a.arg ? { ...a, arg: remapColumns(a.arg, m) } : a)),
        },
        map: identity(plan.schema.fields.length),
        changed: input.changed,
      };
    }
    case 'window-aggregate': {
      const keys = plan.groups.flatMap((g) => (g.kind === 'key' ? [g.expr] : []));
      const need = usedBy([...keys, ...plan.aggregates.map((a) => a.arg)], new Set([plan.window.timeColumn]));
      const input = prune(plan.input, need);
      const m = remap(input.map);
      const groups: WindowGroup[] = plan.groups.map((g) => (g.kind === 'key' ? { kind: 'key', expr: remapColumns(g.expr, m) } : g));
      return {
        plan: {
          ...plan,
          input: input.plan,
          window: { ...plan.window, timeColumn: m(plan.window.timeColumn) },
          groups,
          aggregates: plan.aggregates.map((a) => (a.arg ? { ...a, arg: remapColumns(a.arg, m) } : a)),
        },
        map: identity(plan.schema.fields.length),
        changed: input.changed,
      };
    }
  }
}
