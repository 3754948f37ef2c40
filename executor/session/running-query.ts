// One started query: its pipeline, the driver that feeds its source, its sink, and how it ends.
import { resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { TidemarkError } from '../../parser/errors.ts';
import type { PlannedQuery } from '../../planner/plan-statement.ts';
import type { SourcePosition } from '../../state/state-backend.ts';
import type { OperatorContext, OperatorStats } from '../operator.ts';
import { Pipeline } from '../pipeline.ts';
import { deadLetterBatch } from '../sources/dead-letter.ts';
import { openFileSource, type FilePosition, type SkippedRow } from '../sources/file-source.ts';
import { fileTableSink } from '../sinks/file-table-sink.ts';
import type { MemoryTable } from '../sources/memory-table.ts';
import type { Sink } from '../sinks/sink.ts';
import type { Serial } from '../serial.ts';

export type QueryStatus = 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

export interface QueryEnv {
  readonly serial: Serial;
  readonly ctx: OperatorContext;
  /** Where the source had read to at the last checkpoint, when resuming. */
  readonly restored?: SourcePosition;
  readonly memoryTable?: MemoryTable;
}

export class RunningQuery {
  readonly pipeline: Pipeline;
  status: QueryStatus = 'starting';
  /** Malformed source rows skipped under 'format.on-error' = 'skip'. */
  rowsSkipped = 0;
  error?: unknown;
  /** Resolves when the query has finished, failed or stopped. */
  readonly done: Promise<void>;
  private settle!: () => void;
  private position: unknown;
  private unsubscribe?: () => void;
  private stopping = false;
  private readerDone: Promise<void> = Promise.resolve();

  /** Where malformed source rows go with 'format.on-error' = 'dead-letter'. */
  readonly deadLetter?: Sink;

  constructor(readonly name: string, readonly planned: PlannedQuery, readonly sink: Sink) {
    this.pipeline = new Pipeline(planned.physical(name), sink);
    this.done = new Promise((r) => (this.settle = r));
    const dl = this.pipeline.source.table.deadLetter;
    if (dl) this.deadLetter = fileTableSink(dl, dl.schema);
  }

  get sourceName(): string {
    return this.pipeline.source.table.name;
  }

  /** Restores state, then starts feeding the source. Runs inside the session's serial queue. */
  async start(env: QueryEnv): Promise<void> {
    const table = this.pipeline.source.table;
    await this.pipeline.open(env.ctx, env.restored?.watermark);
    this.position = env.restored?.position;
    this.status = 'running';
    if (table.options['connector'] === 'memory') {
      const mem = env.memoryTable!;
      this.position = { rows: mem.accepted };
      // Runs inside the serial queue: rows pushed from now on reach this query, earlier ones do not.
      this.unsubscribe = mem.subscribe({
        columns: this.pipeline.source.columns,
        onBatch: (batch, accepted) => {
          if (this.status !== 'running') return;
          this.guard(() => this.pipeline.push({ data: batch }));
          this.position = { rows: accepted };
        },
        onEnd: () => this.finish(),
      });
      if (mem.ended) await this.finish();
    } else {
      this.readerDone = this.readFile(env, env.restored?.position as FilePosition | undefined);
    }
  }

  /** Reads the file batch by batch, each batch one serial task, yielding between them (timers, checkpoints). */
  private async readFile(env: QueryEnv, start: FilePosition | undefined): Promise<void> {
    const table = this.pipeline.source.table;
    const o = table.options;
    const header = o['csv.header'] === undefined ? undefined : o['csv.header'] === 'true';
    const skipped: SkippedRow[] = []; // this chunk's malformed rows, for the dead-letter table
    const source = openFileSource({
      path: resolve(table.baseDir, o['path']!),
      displayPath: o['path']!,
      format: o['format'] as 'json' | 'csv',
      schema: table.schema,
      columns: this.pipeline.source.columns,
      required: table.watermark ? [table.watermark.column] : [],
      onError: o['format.on-error'] === 'skip' || this.deadLetter ? 'skip' : 'fail',
      csv: { header, delimiter: o['csv.delimiter'], nullLiteral: o['csv.null-literal'] },
      start,
      onSkip: this.deadLetter ? (row) => skipped.push(row) : undefined,
    });
    try {
      for (;;) {
        if (this.stopping) return;
        const more = await env.serial.run(async () => {
          if (this.status !== 'running') return false;
          const chunk = await source.next();
          if (!chunk) {
            await this.finish();
            return false;
          }
          this.guard(() => this.pipeline.push({ data: chunk.batch }));
          // The chunk's bad rows go out in the same step as its good ones, so a checkpoint covers both.
          if (skipped.length > 0) this.deadLetter!.push({ data: deadLetterBatch(table, table.deadLetter!, skipped.splice(0)) });
          this.position = chunk.end;
          this.rowsSkipped += chunk.skipped;
          return this.status === 'running';
        });
        if (!more) return;
        await yieldToEventLoop();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      await source.close();
    }
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.fail(e);
    }
  }

  private async finish(): Promise<void> {
    if (this.status !== 'running') return;
    try {
      await this.pipeline.end();
      await this.deadLetter?.end();
      this.status = 'finished';
      this.settle();
    } catch (e) {
      this.fail(e);
    }
  }

  fail(error: unknown): void {
    if (this.status === 'failed' || this.status === 'stopped') return;
    this.status = 'failed';
    this.error = error;
    this.unsubscribe?.();
    (this.sink as { fail?: (e: unknown) => void }).fail?.(error);
    void this.sink.close();
    void this.deadLetter?.close();
    this.settle();
  }

  /** Stops without end of input (open windows stay in state for a later run). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    if (this.status === 'running' || this.status === 'starting') {
      this.status = 'stopped';
      this.settle();
    }
    await this.readerDone;
    await this.sink.close();
    await this.deadLetter?.close();
  }

  /** Resolves once a file source has read all it will read (at once for memory sources). */
  readerIdle(): Promise<void> {
    return this.readerDone;
  }

  /** Where the source had read to and its watermark, for a checkpoint. */
  sourcePosition(): SourcePosition {
    return { query: this.name, source: this.sourceName, position: this.position ?? null, watermark: this.pipeline.watermark };
  }

  stats(): OperatorStats[] {
    return this.pipeline.stats();
  }

  /** Late rows dropped by all of this query's operators. */
  get lateRowsDropped(): number {
    return this.stats().reduce((s, o) => s + o.lateRowsDropped, 0);
  }
}

export function assertName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new TidemarkError({ code: 'bad-query-name', message: `query name "${name}" must be letters, digits and underscores, starting with a letter` });
  return name;
}
