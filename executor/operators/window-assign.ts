// The window TVF without an aggregate: appends window_start, window_end and window_time to each row.
import * as A from 'apache-arrow';
import type { WindowSpec } from '../../planner/logical-plan.ts';
import { type Schema, TIMESTAMP } from '../../planner/types.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { type Downstream, StatelessOperator } from '../operator.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { fromCol, numbersOf } from '../vector/columns.ts';
import { windowStart } from './window-bounds.ts';

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
    const { size, offset } = this.window;
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const time = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = windowStart(ts[i]!, size, offset);
      start[i] = s;
      end[i] = s + size;
      time[i] = s + size - 1;
    }
    const added = [start, end, time].map((values) => fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, n));
    this.next.push({ ...batch, data: makeBatch(this.schema, [...cols, ...added], n) });
  }
}
