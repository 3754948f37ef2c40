// Appends an insert-only query's rows to a JSON-lines or CSV file, exactly once across crashes (SPEC §6).
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { ROW_KIND_NAMES, type StreamBatch } from '../batch.ts';
import { InternalError, TidemarkError } from '../../parser/errors.ts';
import type { Schema } from '../../planner/types.ts';
import { createChangeWriter, csvHeader, type ChangeWriter } from './format.ts';

const fsync = promisify(fs.fsync);
const close = promisify(fs.close);

/** What a checkpoint stores for a file sink: the file's length when the checkpoint was taken. */
export interface FileSinkMarker {
  readonly bytes: number;
}

/** Buffered text is written out once it passes this many characters (≥ as many bytes). */
const WRITE_THRESHOLD = 1 << 20;

/**
 * A file sink (`'connector' = 'file'`), exactly once by truncation: each checkpoint records the file's
 * fsynced length, and a resumed run cuts the file back to that length before appending, which drops
 * whatever a crashed run wrote after its last checkpoint. Its rows are replayed from the sources.
 *
 * A run that does not resume starts the file afresh (truncated to 0), as a fresh Flink job overwrites its
 * output: the file then holds exactly this run's result, never a mix with an earlier run's.
 *
 * Rows are collected as text and written with synchronous writes in arrival order; only fsync is awaited.
 */
export class FileSink {
  private pending: string[] = [];
  private pendingChars = 0;
  /** Bytes written to the file so far (some perhaps not yet fsynced). */
  private position: number;
  /** Bytes known to be on disk: the last marker handed out. */
  private synced: number;
  private readonly writer: ChangeWriter;
  private closed = false;
  private fdClosed = false;

  private constructor(
    private readonly fd: number,
    readonly displayPath: string,
    schema: Schema,
    format: 'json' | 'csv',
    length: number,
  ) {
    this.position = length;
    this.synced = length;
    const out = (text: string) => this.append(text);
    // The header is written here rather than by the CSV writer so it is in the first flush's marker; a
    // writer that waits for the first row could write it after the last checkpoint of a run with no rows.
    this.writer = createChangeWriter(format === 'json' ? 'jsonl' : 'csv', schema, out, { op: false, header: false });
    if (format === 'csv' && length === 0) this.append(csvHeader(schema, { op: false }));
  }

  /**
   * Opens (creating it and its directories if needed) the file at `path`; `displayPath` is how errors name
   * it. With `resume`, the file is cut back to `resume.bytes` and appended to; without, it starts empty.
   */
  static async open(
    path: string,
    displayPath: string,
    format: 'json' | 'csv',
    schema: Schema,
    resume?: FileSinkMarker,
  ): Promise<FileSink> {
    let fd: number;
    let created: boolean;
    try {
      await fs.promises.mkdir(dirname(path), { recursive: true });
      created = !fs.existsSync(path);
      fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT);
    } catch (e) {
      throw new TidemarkError({ code: 'io-error', message: `cannot open sink file ${displayPath}: ${(e as Error).message}` });
    }
    try {
      const size = fs.fstatSync(fd).size;
      const length = resume ? resume.bytes : 0;
      if (resume && size < resume.bytes) {
        throw new TidemarkError({
          code: 'state-corrupt',
          message: `sink file ${displayPath} has ${size} bytes but the last checkpoint recorded ${resume.bytes}: it was changed since the checkpoint`,
          hint: 'restore the file, or start the query afresh (--fresh) to rewrite it',
        });
      }
      fs.ftruncateSync(fd, length);
      if (created) await syncDirectory(dirname(path));
      return new FileSink(fd, displayPath, schema, format, length);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Encodes the batch's rows and appends them (buffered until `flush` or ~1 MB). Inserts only. */
  write(batch: StreamBatch): void {
    if (this.closed) throw new InternalError(`file sink ${this.displayPath} written after close`);
    const ops = batch.ops;
    if (ops) {
      for (let i = 0; i < batch.data.numRows; i++) {
        if (ops[i] !== 0) {
          throw new TidemarkError({
            code: 'sink-needs-inserts',
            message: `file sink ${this.displayPath} accepts only inserts (+I), but the query emitted a ${ROW_KIND_NAMES[ops[i]!]} change`,
            hint: 'a file can only be appended to: write an append-only query (e.g. a window aggregate) into it',
          });
        }
      }
    }
    this.writer.write(batch);
  }

  /** Writes everything buffered, fsyncs, and returns the marker for the checkpoint. */
  async flush(): Promise<FileSinkMarker> {
    if (this.fdClosed) throw new InternalError(`file sink ${this.displayPath} flushed after close`);
    this.writePending();
    const target = this.position;
    if (target !== this.synced) {
      await fsync(this.fd);
      this.synced = Math.max(this.synced, target);
    }
    return { bytes: target };
  }

  /**
   * Flushes and closes the file; the file is closed even when the flush fails (its error is rethrown).
   * What this last flush writes past the latest marker is cut off again by a resumed run.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      this.fdClosed = true;
      await close(this.fd);
    }
  }

  private append(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= WRITE_THRESHOLD) this.writePending();
  }

  private writePending(): void {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done, buf.length - done, this.position + done);
    this.position += buf.length;
  }
}

/** Makes a new file's directory entry durable, so a checkpoint never points into a file a crash lost. */
async function syncDirectory(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    await fsync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the file's own fsync is all they offer.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
