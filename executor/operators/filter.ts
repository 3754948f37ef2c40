// Keeps the rows whose predicate is TRUE (NULL and FALSE drop the row).
import * as A from 'apache-arrow';
import type { BoundExpr } from '../../planner/bound-expr.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { compile, type Evaluator } from '../expr/evaluate.ts';
import { type Downstream, StatelessOperator } from '../operator.ts';
import { take } from '../vector/take.ts';
import { runKernel } from './run-kernel.ts';

export class FilterOperator extends StatelessOperator {
  private readonly predicate: Evaluator;

  constructor(id: string, predicate: BoundExpr, next: Downstream) {
    super(id, next);
    this.predicate = compile(predicate);
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const keep = runKernel(this.id, () => this.predicate(cols, n));
    const v = keep.values as Uint8Array;
    const idx = new Int32Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) if (v[i] && !keep.nulls?.[i]) idx[m++] = i;
    if (m === n) return this.next.push(batch);
    if (m === 0) return;
    const sel = idx.subarray(0, m);
    this.next.push(selectRows(batch, sel));
  }
}

/** The rows `sel` of a batch, with their watermarks and row kinds. */
export function selectRows(batch: StreamBatch, sel: Int32Array): StreamBatch {
  const children = columnsOf(batch).map((c) => take(c, sel));
  const struct = A.makeData({ type: new A.Struct(batch.data.schema.fields), length: sel.length, nullCount: 0, children });
  const data = new A.RecordBatch(batch.data.schema, struct);
  const pick = <T extends Float64Array | Uint8Array>(a: T | undefined): T | undefined => {
    if (!a) return undefined;
    const out = new (a.constructor as new (n: number) => T)(sel.length);
    for (let i = 0; i < sel.length; i++) out[i] = a[sel[i]!]!;
    return out;
  };
  return { data, rowWatermarks: pick(batch.rowWatermarks), ops: pick(batch.ops) };
}
