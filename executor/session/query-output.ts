// The library's sink: buffers a query's changelog for `for await`, `batches()` and `snapshot()`.
import * as A from 'apache-arrow';
import type { Schema } from '../../planner/types.ts';
import { ROW_KIND_NAMES, type StreamBatch } from '../batch.ts';
import { type Change, changesOf } from '../sinks/rows.ts';
import type { Sink } from '../sinks/sink.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { utf8Data } from '../vector/columns.ts';

export type { Change };

/** An output batch with an `op` column, tagged with its epoch and the watermark after it (SPEC §4). */
export type EpochBatch = A.RecordBatch & { readonly epoch: number; readonly watermark: Date | null };

interface Entry {
  readonly batch: StreamBatch;
  readonly epoch: number;
  /** The watermark after the batch: operators emit what a watermark fires before passing it on. */
  watermark: number;
}

export class QueryOutput implements Sink {
  private readonly queue: Entry[] = [];
  private unstamped: Entry[] = [];
  private readonly all: StreamBatch[] = [];
  private waiter?: () => void;
  private done = false;
  private failure?: unknown;
  private watermarkMs = -Infinity;
  /** The epoch output belongs to: the number of the next checkpoint. */
  epoch = 1;
  private readonly outSchema: A.Schema;

  constructor(readonly schema: Schema) {
    this.outSchema = new A.Schema([new A.Field('op', new A.Utf8(), false), ...arrowSchema(schema).fields]);
  }

  push(batch: StreamBatch): void {
    const entry: Entry = { batch, epoch: this.epoch, watermark: this.watermarkMs };
    this.queue.push(entry);
    this.unstamped.push(entry);
    this.all.push(batch);
    this.wake();
  }

  watermark(ms: number): void {
    this.watermarkMs = ms;
    for (const e of this.unstamped) e.watermark = ms;
    this.unstamped = [];
  }

  async end(): Promise<void> {
    this.done = true;
    this.wake();
  }

  async flush(): Promise<unknown> {
    return undefined;
  }

  async close(): Promise<void> {
    this.done = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next buffered entry, waiting for one; undefined when the output is complete. */
  async next(): Promise<Entry | undefined> {
    for (;;) {
      const e = this.queue.shift();
      if (e) return e;
      if (this.failure !== undefined) throw this.failure;
      if (this.done) return undefined;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async *changes(): AsyncGenerator<Change> {
    for (;;) {
      const e = await this.next();
      if (!e) return;
      yield* changesOf(e.batch, this.schema);
    }
  }

  async *batches(): AsyncGenerator<EpochBatch> {
    for (;;) {
      const e = await this.next();
      if (!e) return;
      yield this.withOps(e);
    }
  }

  private withOps(e: Entry): EpochBatch {
    const n = e.batch.data.numRows;
    const ops = e.batch.ops;
    const names = Array.from({ length: n }, (_, i) => ROW_KIND_NAMES[ops ? ops[i]! : 0]);
    const columns = [utf8Data(names, null, n), ...e.batch.data.data.children];
    const batch = makeBatch(this.outSchema, columns, n);
    const watermark = Number.isFinite(e.watermark) ? new Date(e.watermark) : null;
    return Object.assign(batch, { epoch: e.epoch, watermark });
  }

  /** The changelog so far applied in order: inserts add a row, retractions remove an equal one. */
  snapshot(): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = [];
    const keys: string[] = [];
    for (const b of this.all) {
      for (const c of changesOf(b, this.schema)) {
        if (c.op === '+I' || c.op === '+U') {
          rows.push(c.row);
          keys.push(rowKey(c.row));
        } else {
          const k = keys.indexOf(rowKey(c.row));
          if (k >= 0) keys.splice(k, 1), rows.splice(k, 1);
        }
      }
    }
    return rows;
  }
}

function rowKey(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
}
