// A query's operators instantiated from its physical plan and chained from the source to a sink.
import { InternalError } from '../parser/errors.ts';
import type { OperatorSpec } from '../planner/physical.ts';
import { pipelineOf } from '../planner/physical.ts';
import type { StreamBatch } from './batch.ts';
import type { Downstream, Operator, OperatorContext, OperatorStats } from './operator.ts';
import { FilterOperator } from './operators/filter.ts';
import { ProjectOperator } from './operators/project.ts';
import { SessionAggregate } from './operators/session-aggregate.ts';
import { WindowAggregate } from './operators/window-aggregate.ts';
import { WatermarkAssigner } from './operators/watermark-assigner.ts';
import { WindowAssignOperator } from './operators/window-assign.ts';
import type { Sink } from './sinks/sink.ts';

type SourceSpec = OperatorSpec & { kind: 'source' };

/** One operator per spec kind: the registry STYLE asks for (a new operator is a line here). */
function createOperator(spec: Exclude<OperatorSpec, SourceSpec>, next: Downstream): Operator {
  switch (spec.kind) {
    case 'watermark-assigner':
      return new WatermarkAssigner(spec.id, spec.expr, next);
    case 'filter':
      return new FilterOperator(spec.id, spec.predicate, next);
    case 'project':
      return new ProjectOperator(spec.id, spec.exprs, spec.schema, next);
    case 'window-assign':
      return new WindowAssignOperator(spec.id, spec.window, spec.schema, next);
    case 'window-aggregate':
      return spec.window.kind === 'session' ? new SessionAggregate(spec, next) : new WindowAggregate(spec, next);
  }
}

export class Pipeline {
  readonly source: SourceSpec;
  private readonly operators: Operator[] = [];
  private readonly head: Downstream;
  private readonly assigner?: WatermarkAssigner;
  private ended = false;

  constructor(root: OperatorSpec, readonly sink: Sink) {
    const chain = pipelineOf(root);
    const first = chain[0]!;
    if (first.kind !== 'source') throw new InternalError('a pipeline starts at a source');
    this.source = first;
    let next: Downstream = sink;
    for (let i = chain.length - 1; i >= 1; i--) {
      const op = createOperator(chain[i] as Exclude<OperatorSpec, SourceSpec>, next);
      this.operators.unshift(op);
      next = op;
    }
    this.head = next;
    const first0 = this.operators[0];
    if (first0 instanceof WatermarkAssigner) this.assigner = first0;
  }

  /** Reloads operator state; `watermark` is the source's watermark at the checkpoint. */
  async open(ctx: OperatorContext, watermark?: number): Promise<void> {
    for (const op of this.operators) await op.open(ctx);
    if (this.assigner && watermark !== undefined && watermark > -Infinity) {
      this.assigner.restore(watermark);
      // Operators below learn the watermark they had; windows it closed were emitted before the checkpoint.
      (this.operators[1] ?? this.sink).watermark(watermark);
    }
  }

  /** Runs one batch through every operator to the sink (synchronously). */
  push(batch: StreamBatch): void {
    if (this.ended) throw new InternalError('rows after the end of input');
    if (batch.data.numRows > 0) this.head.push(batch);
  }

  /** End of input: the watermark goes to +Infinity (every window fires), then the sink ends. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.assigner?.endOfInput();
    await this.sink.end();
  }

  get watermark(): number {
    return this.assigner?.current ?? -Infinity;
  }

  async checkpoint(ctx: OperatorContext): Promise<void> {
    for (const op of this.operators) await op.checkpoint(ctx);
  }

  stats(): OperatorStats[] {
    return this.operators.map((op) => op.stats());
  }
}
