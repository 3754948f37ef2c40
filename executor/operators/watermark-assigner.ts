// Computes the source watermark from every row and tags each row with the watermark its predecessors set.
import type { BoundExpr } from '../../planner/bound-expr.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { compile, type Evaluator } from '../expr/evaluate.ts';
import { type Downstream, OperatorError, StatelessOperator } from '../operator.ts';
import { int64AsNumbers } from '../vector/columns.ts';

export class WatermarkAssigner extends StatelessOperator {
  private readonly expr: Evaluator;
  /** `ts - INTERVAL ...` (the usual form), evaluated in the prefix-maximum loop itself. */
  private readonly lag?: { column: number; ms: number };
  /** W = max(watermark expression over every row so far); -Infinity before any row (SPEC §2). */
  current = -Infinity;

  constructor(id: string, expr: BoundExpr, next: Downstream) {
    super(id, next);
    this.expr = compile(expr);
    const [a, b] = expr.kind === 'call' ? expr.args : [];
    if (expr.kind === 'call' && expr.fn === '-' && a?.kind === 'column-ref' && a.type.id === 'TIMESTAMP' && b?.kind === 'literal' && typeof b.value === 'number')
      this.lag = { column: a.index, ms: b.value };
    else if (expr.kind === 'column-ref' && expr.type.id === 'TIMESTAMP') this.lag = { column: expr.index, ms: 0 };
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    if (n === 0) return;
    const cols = columnsOf(batch);
    let values: Float64Array;
    let lag = 0;
    if (this.lag) {
      values = int64AsNumbers(cols[this.lag.column]!); // the event time is never NULL (sources check)
      lag = this.lag.ms;
    } else {
      const wm = this.expr(cols, n);
      if (wm.nulls?.some((x) => x === 1)) throw new OperatorError(this.id, 'the watermark expression gave NULL for a row');
      values = wm.values as Float64Array;
    }
    // A prefix maximum: row i is judged by the watermark of rows 0..i-1 (and earlier batches).
    const before = new Float64Array(n);
    let w = this.current;
    for (let i = 0; i < n; i++) {
      before[i] = w;
      const v = values[i]! - lag;
      if (v > w) w = v;
    }
    this.next.push({ ...batch, rowWatermarks: before });
    if (w > this.current) {
      this.current = w;
      this.next.watermark(w);
    }
  }

  /** Rows never arrive out of a source's end; the watermark jumps to +Infinity so every window fires. */
  endOfInput(): void {
    if (this.current < Infinity) {
      this.current = Infinity;
      this.next.watermark(Infinity);
    }
  }

  /** A restored source resumes with the watermark it had at the checkpoint. */
  restore(watermark: number): void {
    this.current = watermark;
  }

  override watermark(): void {
    // The assigner is the origin of watermarks; upstream has none.
  }
}
