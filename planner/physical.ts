// The physical plan: the optimized logical plan as operator specs with stable ids, ready to instantiate.
import { TidemarkError } from '../parser/errors.ts';
import type { AggCall, BoundExpr } from './bound-expr.ts';
import type { TableDef } from './catalog.ts';
import type { LogicalPlan, WindowGroup, WindowSpec } from './logical-plan.ts';
import type { Schema } from './types.ts';

interface Common {
  /** Stable across restarts of the same query: `<query>_<kind><position>`; names its state tables. */
  readonly id: string;
  readonly schema: Schema;
}

export type OperatorSpec =
  | (Common & { readonly kind: 'source'; readonly table: TableDef; readonly columns: readonly string[] })
  | (Common & { readonly kind: 'watermark-assigner'; readonly input: OperatorSpec; readonly timeColumn: number; readonly expr: BoundExpr })
  | (Common & { readonly kind: 'filter'; readonly input: OperatorSpec; readonly predicate: BoundExpr })
  | (Common & { readonly kind: 'project'; readonly input: OperatorSpec; readonly exprs: readonly BoundExpr[] })
  | (Common & { readonly kind: 'window-assign'; readonly input: OperatorSpec; readonly window: WindowSpec })
  | (Common & {
      readonly kind: 'window-aggregate';
      readonly input: OperatorSpec;
      readonly window: WindowSpec;
      readonly groups: readonly WindowGroup[];
      readonly aggregates: readonly AggCall[];
    });

/** Whether a query's output only inserts (+I) or also updates and deletes (SPEC §3). */
export type ChangelogKind = 'append-only' | 'updating';

const SHORT: Record<Exclude<OperatorSpec['kind'], 'window-aggregate'>, string> = {
  source: 'source',
  'watermark-assigner': 'watermark',
  filter: 'filter',
  project: 'project',
  'window-assign': 'window',
};

export function toPhysical(plan: LogicalPlan, query: string): OperatorSpec {
  let position = 0;
  // Window aggregates are named for their window (q1_tumble2): the id also names their state tables.
  const id = (kind: keyof typeof SHORT | WindowSpec['kind']) => `${query}_${kind in SHORT ? SHORT[kind as keyof typeof SHORT] : kind}${position++}`;
  const build = (p: LogicalPlan): OperatorSpec => {
    switch (p.kind) {
      case 'scan':
        return { kind: 'source', id: id('source'), schema: p.schema, table: p.table, columns: p.schema.fields.map((f) => f.name) };
      case 'watermark': {
        const input = build(p.input);
        return { kind: 'watermark-assigner', id: id('watermark-assigner'), schema: p.schema, input, timeColumn: p.timeColumn, expr: p.expr };
      }
      case 'filter': {
        const input = build(p.input);
        return { kind: 'filter', id: id('filter'), schema: p.schema, input, predicate: p.predicate };
      }
      case 'project': {
        const input = build(p.input);
        return { kind: 'project', id: id('project'), schema: p.schema, input, exprs: p.exprs };
      }
      case 'window': {
        if (p.window.kind === 'session')
          throw new TidemarkError({
            code: 'unsupported',
            message: 'a SESSION window without GROUP BY is not supported yet: its rows are known only when the session closes',
            hint: 'aggregate over it: GROUP BY window_start, window_end, ...',
          });
        const input = build(p.input);
        return { kind: 'window-assign', id: id('window-assign'), schema: p.schema, input, window: p.window };
      }
      case 'window-aggregate': {
        const input = build(p.input);
        return { kind: 'window-aggregate', id: id(p.window.kind), schema: p.schema, input, window: p.window, groups: p.groups, aggregates: p.aggregates };
      }
      case 'aggregate':
        // The binder admits GROUP BY only over a window; what still cannot fuse is a filter between them.
        throw new TidemarkError({
          code: 'unsupported',
          message: 'this GROUP BY over a window cannot run per window yet',
          hint: 'filter on window_start/window_end in HAVING, and on other columns in WHERE',
        });
    }
  };
  return build(plan);
}

export function changelogKind(_spec: OperatorSpec): ChangelogKind {
  return 'append-only'; // every operator so far consumes and produces inserts only
}

/** The operators from the source up to `spec`, in data-flow order. */
export function pipelineOf(spec: OperatorSpec): OperatorSpec[] {
  const out: OperatorSpec[] = [];
  for (let s: OperatorSpec | undefined = spec; s; s = s.kind === 'source' ? undefined : s.input) out.unshift(s);
  return out;
}
