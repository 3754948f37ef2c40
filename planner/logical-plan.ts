// The logical plan: what a query computes, as a tree of readonly kind-tagged nodes with output schemas.
import type { AggCall, BoundExpr } from './bound-expr.ts';
import type { TableDef } from './catalog.ts';
import type { Schema } from './types.ts';

/**
 * A window over event time (SPEC §1), sizes in milliseconds; `timeColumn` indexes the input. TUMBLE has
 * `step` = `size`; HOP windows of `size` start every `step` (its slide); CUMULATE windows start every
 * `size` and end every `step` after their start. `offset` shifts every window.
 */
export interface WindowSpec {
  /** SESSION windows close after `size` (the gap) without rows for their key; `step` = `size`, no offset. */
  readonly kind: 'tumble' | 'hop' | 'cumulate' | 'session';
  readonly timeColumn: number;
  readonly timeName: string;
  readonly size: number;
  readonly step: number;
  readonly offset: number;
}

/** The columns a window table-valued function appends to its input, in this order. */
export const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'] as const;
export type WindowColumn = (typeof WINDOW_COLUMNS)[number];

/** One grouping column of a window aggregate: a window bound or a key over the input rows. */
export type WindowGroup =
  | { readonly kind: 'window-column'; readonly column: WindowColumn }
  | { readonly kind: 'key'; readonly expr: BoundExpr };

export type LogicalPlan =
  /** Reads `columns` (indices into the table schema) of a table. */
  | { readonly kind: 'scan'; readonly table: TableDef; readonly columns: readonly number[]; readonly schema: Schema }
  /** Computes the table's watermark from every row, before any filter (SPEC §2). */
  | {
      readonly kind: 'watermark';
      readonly input: LogicalPlan;
      readonly timeColumn: number;
      readonly expr: BoundExpr;
      readonly schema: Schema;
    }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr; readonly schema: Schema }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: readonly BoundExpr[]; readonly schema: Schema }
  /** A window TVF: appends window_start, window_end, window_time to each row. */
  | { readonly kind: 'window'; readonly input: LogicalPlan; readonly window: WindowSpec; readonly schema: Schema }
  /** GROUP BY: output = the group expressions, then the aggregates. */
  | {
      readonly kind: 'aggregate';
      readonly input: LogicalPlan;
      readonly groupBy: readonly BoundExpr[];
      readonly aggregates: readonly AggCall[];
      readonly schema: Schema;
    }
  /** A GROUP BY over a window TVF's bounds, fused: state per window, emitted when the window fires. */
  | {
      readonly kind: 'window-aggregate';
      readonly input: LogicalPlan;
      readonly window: WindowSpec;
      readonly groups: readonly WindowGroup[];
      readonly aggregates: readonly AggCall[];
      readonly schema: Schema;
    };

export type PlanKind = LogicalPlan['kind'];

export function children(plan: LogicalPlan): LogicalPlan[] {
  return plan.kind === 'scan' ? [] : [plan.input];
}

/** A bound statement that runs: a SELECT (results to the caller) or an INSERT INTO a sink table. */
export interface BoundQuery {
  readonly plan: LogicalPlan;
  readonly sink?: TableDef;
  /** The SQL text of the statement, for EXPLAIN and fingerprints. */
  readonly text: string;
}
