// The bounded file connector: reads a JSON Lines or CSV file into RecordBatches of the projected columns, resumably.
import { open, type FileHandle } from 'node:fs/promises';
import type * as A from 'apache-arrow';
import { InternalError, TidemarkError } from '../../parser/errors.ts';
import type { Field, Schema } from '../../planner/types.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { createColumnBuilder, type ColumnBuilder } from '../vector/column-builder.ts';
import { utf8 } from './bytes.ts';
import { CsvLineParser, delimiterByte, fieldIndexes, looksLikeHeader, splitCsvLine, type CsvOptions } from './csv.ts';
import { JsonLineParser } from './json-lines.ts';
import { DEFAULT_CHUNK_BYTES, isBlank, LineReader } from './line-reader.ts';

/** A position in the file: the byte offset and 1-based number of the next unread line. */
export interface FilePosition {
  readonly offset: number;
  readonly line: number;
}

export interface FileSourceOptions {
  path: string; // absolute
  displayPath: string; // as the user wrote it, for error messages
  format: 'json' | 'csv';
  /** The full table schema (its column order is the CSV field order when there is no header). */
  schema: Schema;
  /** The columns to produce, in this order; only these are parsed and columnarized. */
  columns: readonly string[];
  /** Columns that must not be NULL (the event-time column); NOT NULL columns are required too. */
  required: readonly string[];
  onError: 'fail' | 'skip';
  csv?: CsvOptions;
  batchRows?: number; // default 8192
  /** Resume here: a chunk's `end` from an earlier run. */
  start?: FilePosition;
  /** Bytes per read (default 1 MiB); tests use tiny ones to put chunk boundaries everywhere. */
  chunkBytes?: number;
  /** Called for each row skipped with onError 'skip', e.g. to write it to a dead-letter table. */
  onSkip?: (row: SkippedRow) => void;
}

export interface SkippedRow {
  readonly line: number;
  readonly offset: number;
  readonly text: string;
  readonly reason: string;
}

export interface FileSourceChunk {
  batch: A.RecordBatch;
  /** Just after the last line this chunk consumed: reopen with `start: end` to continue with the next row. */
  end: FilePosition;
  /** Bad rows skipped (onError 'skip') within this chunk. */
  skipped: number;
}

/** One reader of one file; calls must not overlap (await each before the next). */
export interface FileSource {
  /** The next batch of up to batchRows rows, or null once the file is exhausted. */
  next(): Promise<FileSourceChunk | null>;
  close(): Promise<void>;
}

interface LineParser {
  parseLine(b: Buffer, start: number, end: number): string | undefined;
}

/**
 * Opens a file source; the file itself is opened on the first `next()`. A bad row (invalid JSON, a
 * wrong CSV field count, a value of the wrong type, NULL in a required column) fails with `bad-row`
 * and `<displayPath>:<line>: <reason>`, after the rows before it were returned as a batch whose `end`
 * is the bad line, so nothing read is lost; with onError 'skip' it is counted instead.
 */
export function openFileSource(opts: FileSourceOptions): FileSource {
  return new FileSourceImpl(opts);
}

class FileSourceImpl implements FileSource {
  private readonly opts: FileSourceOptions;
  private readonly fields: Field[];
  private readonly required: boolean[];
  private readonly builders: ColumnBuilder[];
  private readonly batchRows: number;
  private readonly arrow: A.Schema;
  private fh: FileHandle | undefined;
  private reader: LineReader | undefined;
  private parser: LineParser | undefined;
  /** A bad row found after a good prefix was returned: thrown by the next call, and every one after. */
  private failure: TidemarkError | undefined;
  private done = false;

  constructor(opts: FileSourceOptions) {
    this.opts = opts;
    this.fields = opts.columns.map((name) => {
      const f = opts.schema.fields.find((x) => x.name === name);
      if (!f) throw new InternalError(`file source column "${name}" is not in the table schema`);
      return f;
    });
    this.required = this.fields.map((f) => !f.nullable || opts.required.includes(f.name));
    this.batchRows = Math.max(1, opts.batchRows ?? 8192);
    this.builders = this.fields.map((f) => createColumnBuilder(f.type, this.batchRows));
    this.arrow = arrowSchema({ fields: this.fields });
  }

  async next(): Promise<FileSourceChunk | null> {
    if (this.failure) throw this.failure;
    if (this.done) return null;
    if (!this.reader) await this.open();
    const reader = this.reader!;
    const parser = this.parser!;
    const startOffset = reader.nextOffset;
    let rows = 0;
    let skipped = 0;
    while (rows < this.batchRows) {
      if (!reader.nextLine()) {
        if (reader.eof) break;
        await reader.refill();
        continue;
      }
      if (isBlank(reader.buf, reader.start, reader.end)) continue;
      const reason = parser.parseLine(reader.buf, reader.start, reader.end);
      if (reason === undefined) {
        rows++;
      } else if (this.opts.onError === 'skip') {
        skipped++;
        this.opts.onSkip?.({ line: reader.lineNumber, offset: reader.lineOffset, text: utf8(reader.buf, reader.start, reader.end), reason });
      } else {
        this.failure = this.badRow(reader.lineNumber, reason);
        if (rows === 0) throw this.failure;
        return this.chunk(rows, 0, { offset: reader.lineOffset, line: reader.lineNumber });
      }
    }
    if (rows === 0 && reader.nextOffset === startOffset) {
      this.done = true;
      return null;
    }
    return this.chunk(rows, skipped, { offset: reader.nextOffset, line: reader.nextLineNumber });
  }

  async close(): Promise<void> {
    this.done = true;
    const fh = this.fh;
    this.fh = undefined;
    await this.reader?.settle(); // no read-ahead may be in flight when the file closes
    await fh?.close();
  }

  private chunk(rows: number, skipped: number, end: FilePosition): FileSourceChunk {
    const batch = makeBatch(
      this.arrow,
      this.builders.map((b) => b.finish()),
      rows,
    );
    return { batch, end, skipped };
  }

  private badRow(line: number, reason: string): TidemarkError {
    return new TidemarkError({ code: 'bad-row', message: `${this.opts.displayPath}:${line}: ${reason}` });
  }

  private async open(): Promise<void> {
    const { opts } = this;
    try {
      this.fh = await open(opts.path, 'r');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new TidemarkError({ code: 'file-unreadable', message: `cannot read ${opts.displayPath}: ${why}` });
    }
    let start = opts.start ?? { offset: 0, line: 1 };
    const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (opts.format === 'json') {
      this.parser = new JsonLineParser(this.fields, this.builders, this.required);
    } else {
      const delim = delimiterByte(opts.csv?.delimiter);
      const { layout, dataStart } = await this.csvLayout(delim, chunkBytes);
      if (dataStart !== undefined && start.offset < dataStart.offset) start = dataStart;
      this.parser = new CsvLineParser(this.fields, this.builders, this.required, layout, delim, opts.csv?.nullLiteral);
    }
    this.reader = new LineReader(this.fh, start.offset, start.line, chunkBytes);
    if (start.offset === 0) await this.reader.skipBom();
  }

  /**
   * How CSV fields map to the columns: by the header's names when the file has one (always read from
   * the file's first line, also when resuming mid-file), else by position in the table schema.
   * `dataStart` is the line after the header.
   */
  private async csvLayout(delim: number, chunkBytes: number) {
    const { opts } = this;
    const names = opts.schema.fields.map((f) => f.name);
    const byPosition = { fieldCount: names.length, fieldOfColumn: this.fields.map((f) => names.indexOf(f.name)) };
    const mode = opts.csv?.header;
    if (mode === false) return { layout: byPosition, dataStart: undefined };
    const first = new LineReader(this.fh!, 0, 1, Math.min(chunkBytes, 1 << 16));
    await first.skipBom();
    for (;;) {
      if (!first.nextLine()) {
        if (first.eof) return { layout: byPosition, dataStart: undefined }; // an empty file
        await first.refill();
        continue;
      }
      if (!isBlank(first.buf, first.start, first.end)) break;
    }
    await first.settle();
    const header = splitCsvLine(first.buf, first.start, first.end, delim);
    if (typeof header === 'string') {
      if (mode === true) throw this.badRow(first.lineNumber, `header: ${header}`);
      return { layout: byPosition, dataStart: undefined };
    }
    if (mode === undefined && !looksLikeHeader(header, names)) return { layout: byPosition, dataStart: undefined };
    const fieldOfColumn = fieldIndexes(this.fields, header);
    fieldOfColumn.forEach((f, c) => {
      if (f < 0 && this.required[c]) throw this.badRow(first.lineNumber, `the header has no column "${this.fields[c]!.name}"`);
    });
    const dataStart = { offset: first.nextOffset, line: first.nextLineNumber };
    return { layout: { fieldCount: header.length, fieldOfColumn }, dataStart };
  }
}
