// The contract between operators: batches and watermarks pushed downstream, state staged at checkpoints.
import type { StateBackend } from '../state/state-backend.ts';
import type { StreamBatch } from './batch.ts';

/** Where an operator sends its output: the next operator or a sink. */
export interface Downstream {
  /** Rows in arrival order. Synchronous: the whole pipeline runs a batch to completion. */
  push(batch: StreamBatch): void;
  /** The event-time watermark advanced to `ms` (never called with a smaller value). */
  watermark(ms: number): void;
}

export interface OperatorContext {
  /** Durable state, when the engine has a state directory. */
  readonly state?: StateBackend;
  /** True when the query resumes from a checkpoint. */
  readonly restoring: boolean;
}

export interface OperatorStats {
  readonly id: string;
  readonly lateRowsDropped: number;
  readonly stateRows: number;
}

export interface Operator extends Downstream {
  /** Stable across restarts; names the operator's state tables. */
  readonly id: string;
  /** Reloads state before the first row. */
  open(ctx: OperatorContext): Promise<void>;
  /** Stages the state changes since the last checkpoint with the backend (committed by the engine). */
  checkpoint(ctx: OperatorContext): Promise<void>;
  stats(): OperatorStats;
}

/** Runtime failure inside an operator (a bad CAST, an overflow): names the operator (STYLE: runtime errors). */
export class OperatorError extends Error {
  constructor(readonly operatorId: string, message: string) {
    super(`${operatorId}: ${message}`);
    this.name = 'OperatorError';
  }
}

/** Base for operators without state. */
export abstract class StatelessOperator implements Operator {
  constructor(readonly id: string, protected readonly next: Downstream) {}
  abstract push(batch: StreamBatch): void;
  watermark(ms: number): void {
    this.next.watermark(ms);
  }
  async open(): Promise<void> {}
  async checkpoint(): Promise<void> {}
  stats(): OperatorStats {
    return { id: this.id, lateRowsDropped: 0, stateRows: 0 };
  }
}
