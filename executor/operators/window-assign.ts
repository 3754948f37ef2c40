// The window TVF without an aggregate: appends window_start, window_end and window_time; HOP and CUMULATE repeat a row per window.
import type * as A from 'apache-arrow';
import type { WindowSpec } from '../../planner/logical-plan.ts';
import { type Schema, TIMESTAMP } from '../../planner/types.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { type Downstream, StatelessOperator } from '../operator.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { fromCol, numbersOf } from '../vector/columns.ts';
import { selectRows } from './filter.ts';
import { maxWindowsPerRow, windowsOf } from './window-bounds.ts';

export class WindowAssignOperator extends StatelessOperator {
  private readonly schema: A.Schema;

  constructor(id: string, private readonly window: WindowSpec, schema: Schema, next: Downstream) {
    super(id, next);
    this.schema = arrowSchema(schema);
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const ts = numbersOf(cols[this.window.timeColumn]!, TIMESTAMP);
    const per = maxWindowsPerRow(this.window);
    const rows = new Int32Array(n * per);
    const start = new Float64Array(n * per);
    const end = new Float64Array(n * per);
    const ws = new Float64Array(per + 1);
    const we = new Float64Array(per + 1);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const count = windowsOf(this.window, ts[i]!, ws, we);
      for (let k = 0; k < count; k++, m++) {
        rows[m] = i;
        start[m] = ws[k]!;
        end[m] = we[k]!;
      }
    }
    const time = end.subarray(0, m).map((e) => e - 1);
    const added = [start.subarray(0, m), end.subarray(0, m), time].map((values) => fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, m));
    // HOP and CUMULATE repeat a row (with its watermark and row kind) once per window it falls in.
    const base = m === n ? batch : selectRows(batch, rows.subarray(0, m));
    this.next.push({ ...base, data: makeBatch(this.schema, [...columnsOf(base), ...added], m) });
  }
}
