// A running query as the library sees it: an async-iterable changelog with drain, snapshot and batches.
import { TidemarkError } from '../../parser/errors.ts';
import type { OperatorStats } from '../operator.ts';
import type { Change, EpochBatch, QueryOutput } from './query-output.ts';
import type { RunningQuery } from './running-query.ts';
import type { Session } from './session.ts';

export class StreamingQuery implements AsyncIterable<Change> {
  constructor(
    private readonly running: RunningQuery,
    private readonly output: QueryOutput | undefined,
    private readonly session: Session,
  ) {}

  get name(): string {
    return this.running.name;
  }

  get status(): string {
    return this.running.status;
  }

  /** Resolves once every row pushed so far is processed and its output buffered; rejects if the query failed. */
  async drain(): Promise<void> {
    await this.session.serial.idle(); // the query has started (and restored)
    await this.running.readerIdle();
    await this.session.serial.idle();
    if (this.running.status === 'failed') throw this.running.error;
  }

  /** Resolves when the query has finished (all sources ended) or stopped; rejects if it failed. */
  async done(): Promise<void> {
    await this.running.done;
    if (this.running.status === 'failed') throw this.running.error;
  }

  [Symbol.asyncIterator](): AsyncIterator<Change> {
    const changes = this.requireOutput().changes();
    return {
      next: () => changes.next(),
      return: async () => {
        await this.stop();
        return changes.return(undefined);
      },
    };
  }

  /** The output as Arrow record batches with an `op` column, tagged with `epoch` and `watermark`. */
  batches(): AsyncIterable<EpochBatch> {
    const output = this.requireOutput();
    return { [Symbol.asyncIterator]: () => output.batches() };
  }

  /** This run's changelog applied: the current result as rows. */
  async snapshot(): Promise<Record<string, unknown>[]> {
    await this.session.serial.idle();
    return this.requireOutput().snapshot();
  }

  /** Stops the query without ending its input; its state stays for a later run. */
  stop(): Promise<void> {
    return this.running.stop();
  }

  /** Rows dropped because they arrived after their window had closed, over all operators. */
  get lateRowsDropped(): number {
    return this.running.lateRowsDropped;
  }

  /** Malformed source rows skipped under 'format.on-error' = 'skip' (SPEC §7: counted, never silent). */
  get rowsSkipped(): number {
    return this.running.rowsSkipped;
  }

  stats(): OperatorStats[] {
    return this.running.stats();
  }

  private requireOutput(): QueryOutput {
    if (!this.output) throw new TidemarkError({ code: 'no-output', message: `query "${this.name}" writes into a table; it has no changelog to read` });
    return this.output;
  }
}
