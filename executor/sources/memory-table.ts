// A table fed from the program (`engine.source(name).push(rows)`): converts rows once, fans them out to queries.
import * as A from 'apache-arrow';
import { TidemarkError } from '../../parser/errors.ts';
import type { TableDef } from '../../planner/catalog.ts';
import { makeBatch } from '../vector/arrow-types.ts';
import type { Serial } from '../serial.ts';
import { arrowToBatches, rowsToBatch } from './rows-to-batch.ts';

/** A query reading the table: receives its columns of each pushed batch, and the end of input. */
export interface MemorySubscriber {
  readonly columns: readonly string[];
  /** `accepted`: the table's row count including this batch, the query's read position after it. */
  onBatch(batch: A.RecordBatch, accepted: number): void;
  onEnd(): Promise<void>;
}

export class MemoryTable {
  private readonly subscribers = new Set<MemorySubscriber>();
  /** Rows accepted since the state began (restored from the last checkpoint). */
  accepted = 0;
  ended = false;

  /** Deliveries run on the session's serial queue, so counts and checkpoints agree on what was processed. */
  constructor(readonly table: TableDef, private readonly serial: Serial) {}

  subscribe(s: MemorySubscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  /** Validates and converts everything first, so a bad row accepts nothing (SPEC §7). */
  async push(input: object | readonly object[] | A.RecordBatch | A.Table): Promise<void> {
    if (this.ended) throw new TidemarkError({ code: 'source-ended', message: `source "${this.table.name}" has ended; it accepts no more rows` });
    const required = this.table.watermark ? [this.table.watermark.column] : [];
    const batches = isArrow(input)
      ? arrowToBatches(input, this.table.schema, { required })
      : [rowsToBatch(Array.isArray(input) ? input : [input], this.table.schema, { required })];
    await this.serial.run(() => {
      for (const b of batches) {
        this.accepted += b.numRows;
        for (const s of this.subscribers) s.onBatch(project(b, s.columns), this.accepted);
      }
    });
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.serial.run(async () => {
      for (const s of this.subscribers) await s.onEnd();
    });
  }
}

function isArrow(x: unknown): x is A.RecordBatch | A.Table {
  return typeof x === 'object' && x !== null && 'schema' in x && 'numRows' in x && typeof (x as { getChild?: unknown }).getChild === 'function';
}

/** The named columns of a batch (no copy). */
export function project(batch: A.RecordBatch, columns: readonly string[]): A.RecordBatch {
  const fields = columns.map((c) => batch.schema.fields.find((f) => f.name === c)!);
  const data = columns.map((c) => batch.getChild(c)!.data[0]!);
  return makeBatch(new A.Schema(fields), data, batch.numRows);
}

