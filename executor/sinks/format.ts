// Encodes changelog batches as JSON lines, CSV or a streaming terminal table (SPEC §5), column by column.
import { ROW_KIND_NAMES, type StreamBatch } from '../batch.ts';
import { assertNever } from '../../parser/errors.ts';
import type { Schema } from '../../planner/types.ts';
import { columnText, csvField } from './cell-text.ts';
import { TableWriter, type TableWriterOptions } from './table-writer.ts';

export { TableWriter, type TableWriterOptions } from './table-writer.ts';

export type ChangeFormat = 'jsonl' | 'csv' | 'table';

/** What every text encoding of a changelog does: take batches as they come, then close the stream. */
export interface ChangeWriter {
  /** Encodes the batch's rows in order and hands the text to `out` (one call per non-empty batch). */
  write(batch: StreamBatch): void;
  /** The stream ended: writes whatever closes it (a CSV header if no row came, the table's last line). */
  end(): void;
}

export interface ChangeWriterOptions extends TableWriterOptions {
  /** Tags every change with its query's name: a `"query"` field / `query` column right after `op`. */
  readonly query?: string;
  /** Include the op (+I, -U, +U, -D). Default true; file sinks, which take only inserts, turn it off. */
  readonly op?: boolean;
  /** CSV only: write the header row before the first row. Default true. */
  readonly header?: boolean;
}

export function createChangeWriter(
  format: ChangeFormat,
  schema: Schema,
  out: (text: string) => void,
  options: ChangeWriterOptions = {},
): ChangeWriter {
  switch (format) {
    case 'jsonl':
      return new JsonLinesWriter(schema, out, options);
    case 'csv':
      return new CsvWriter(schema, out, options);
    case 'table':
      return new TableWriter(schema, out, options);
    default:
      return assertNever(format);
  }
}

/** One JSON object per change and line: `{"op":"+I","query":"q1","col":value,...}`. */
export class JsonLinesWriter implements ChangeWriter {
  /** The start of a line for each row kind, up to the first column's key. */
  private readonly heads: string[];
  /** `,"name":` for each column (the first without the comma when nothing precedes it). */
  private readonly keys: string[];

  constructor(
    private readonly schema: Schema,
    private readonly out: (text: string) => void,
    options: Pick<ChangeWriterOptions, 'query' | 'op'> = {},
  ) {
    const query = options.query === undefined ? '' : `"query":${JSON.stringify(options.query)}`;
    this.heads = ROW_KIND_NAMES.map((op) => '{' + [options.op === false ? '' : `"op":"${op}"`, query].filter((s) => s).join(','));
    const lead = this.heads[0] === '{' ? '' : ',';
    this.keys = schema.fields.map((f, c) => (c === 0 ? lead : ',') + JSON.stringify(f.name) + ':');
  }

  write(batch: StreamBatch): void {
    const text = this.encode(batch);
    if (text) this.out(text);
  }

  end(): void {}

  /** The batch's lines, each ending in '\n'. */
  encode(batch: StreamBatch): string {
    const n = batch.data.numRows;
    if (n === 0) return '';
    const cells = cellColumns(batch, this.schema, 'json');
    const { heads, keys } = this;
    const ops = batch.ops;
    const lines = new Array<string>(n + 1);
    for (let i = 0; i < n; i++) {
      let line = heads[ops ? ops[i]! : 0]!;
      for (let c = 0; c < keys.length; c++) line += keys[c]! + cells[c]![i]!;
      lines[i] = line + '}';
    }
    lines[n] = '';
    return lines.join('\n');
  }
}

/**
 * RFC 4180 CSV: a header row, then one row per change; fields are quoted only when needed, NULL is an
 * empty field and an empty string is `""`. Lines end in '\n', which every CSV reader accepts.
 */
export class CsvWriter implements ChangeWriter {
  private readonly heads: string[];
  private headerPending: boolean;

  constructor(
    private readonly schema: Schema,
    private readonly out: (text: string) => void,
    private readonly options: Pick<ChangeWriterOptions, 'query' | 'op' | 'header'> = {},
  ) {
    const query = options.query === undefined ? [] : [csvField(options.query)];
    this.heads = ROW_KIND_NAMES.map((op) => [...(options.op === false ? [] : [op]), ...query].map((s) => s + ',').join(''));
    this.headerPending = options.header !== false;
  }

  write(batch: StreamBatch): void {
    const text = this.encode(batch);
    if (this.headerPending && batch.data.numRows > 0) this.writeHeader(text);
    else if (text) this.out(text);
  }

  /** A result with no rows still gets its header, so the output says which columns it has. */
  end(): void {
    if (this.headerPending) this.writeHeader('');
  }

  /** The batch's rows, each ending in '\n', without the header. */
  encode(batch: StreamBatch): string {
    const n = batch.data.numRows;
    if (n === 0) return '';
    const cells = cellColumns(batch, this.schema, 'csv');
    const last = cells.length - 1;
    const ops = batch.ops;
    const lines = new Array<string>(n + 1);
    for (let i = 0; i < n; i++) {
      let line = this.heads[ops ? ops[i]! : 0]!;
      for (let c = 0; c < last; c++) line += cells[c]![i]! + ',';
      lines[i] = last >= 0 ? line + cells[last]![i]! : line.slice(0, -1);
    }
    lines[n] = '';
    return lines.join('\n');
  }

  private writeHeader(rest: string): void {
    this.headerPending = false;
    this.out(csvHeader(this.schema, this.options) + rest);
  }
}

/** The CSV header line (ending in '\n'): `op`, `query` when tagged, then the column names. */
export function csvHeader(schema: Schema, options: Pick<ChangeWriterOptions, 'query' | 'op'> = {}): string {
  const names = [...(options.op === false ? [] : ['op']), ...(options.query === undefined ? [] : ['query'])];
  for (const f of schema.fields) names.push(f.name);
  return names.map(csvField).join(',') + '\n';
}

/** Every column of the batch rendered in `dialect`, one array of cells per column. */
function cellColumns(batch: StreamBatch, schema: Schema, dialect: 'json' | 'csv'): string[][] {
  const children = batch.data.data.children;
  return schema.fields.map((f, c) => columnText(children[c]!, f.type, dialect));
}
