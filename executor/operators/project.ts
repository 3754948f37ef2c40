// Computes the output columns of a projection; column references pass through without copying.
import type * as A from 'apache-arrow';
import type { BoundExpr } from '../../planner/bound-expr.ts';
import type { Schema } from '../../planner/types.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { compileToData } from '../expr/evaluate.ts';
import { type Downstream, StatelessOperator } from '../operator.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { runKernel } from './run-kernel.ts';

export class ProjectOperator extends StatelessOperator {
  private readonly exprs: ((cols: readonly A.Data[], n: number) => A.Data)[];
  private readonly schema: A.Schema;

  constructor(id: string, exprs: readonly BoundExpr[], schema: Schema, next: Downstream) {
    super(id, next);
    this.exprs = exprs.map(compileToData);
    this.schema = arrowSchema(schema);
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const out = runKernel(this.id, () => this.exprs.map((e) => e(cols, n)));
    this.next.push({ ...batch, data: makeBatch(this.schema, out, n) });
  }
}
