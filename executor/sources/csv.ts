// Splits CSV lines (RFC 4180 quoting) and columnarizes the projected fields straight from the file bytes.
import { TidemarkError } from '../../parser/errors.ts';
import type { Field } from '../../planner/types.ts';
import type { ColumnBuilder } from '../vector/column-builder.ts';
import { parseSmallDecimal, parseSmallInteger, utf8 } from './bytes.ts';
import { parseTimestampBytes } from '../../planner/timestamp.ts';
import { nullReason, valueAppender, type ValueAppender } from './value-convert.ts';

const QUOTE = 0x22;

export interface CsvOptions {
  /** undefined: the first line is a header when its fields are the table's column names. */
  readonly header?: boolean;
  readonly delimiter?: string;
  /** An unquoted field spelled like this is NULL (besides an empty unquoted field). */
  readonly nullLiteral?: string;
}

/** The delimiter as one byte: a single ASCII character other than a quote or a line break. */
export function delimiterByte(delimiter: string | undefined): number {
  const d = delimiter ?? ',';
  const c = d.charCodeAt(0);
  if (d.length !== 1 || c > 0x7f || c === QUOTE || c === 0x0a || c === 0x0d) {
    throw new TidemarkError({ code: 'bad-option', message: `CSV delimiter must be one ASCII character other than a quote or line break, found ${JSON.stringify(d)}` });
  }
  return c;
}

/** A line's fields as text (quotes removed, `""` unescaped), for the header; a string is why it is malformed. */
export function splitCsvLine(b: Buffer, start: number, end: number, delim: number): string[] | string {
  const fields: string[] = [];
  const span = new FieldSpan();
  let p = start;
  for (;;) {
    const reason = span.scan(b, p, end, delim, fields.length);
    if (reason !== undefined) return reason;
    fields.push(span.text(b));
    if (span.next >= end) return fields;
    p = span.next + 1;
  }
}

/** One field's bounds; reused so scanning a line allocates nothing. */
class FieldSpan {
  start = 0;
  end = 0;
  quoted = false;
  escaped = false;
  /** The delimiter after the field, or the line end. */
  next = 0;

  scan(b: Uint8Array, p: number, e: number, delim: number, index: number): string | undefined {
    if (p < e && b[p] === QUOTE) {
      this.quoted = true;
      this.escaped = false;
      const s = p + 1;
      p = s;
      for (;;) {
        while (p < e && b[p] !== QUOTE) p++;
        if (p >= e) return `field ${index + 1}: a quoted field is not closed on this line`;
        if (p + 1 < e && b[p + 1] === QUOTE) {
          this.escaped = true;
          p += 2;
          continue;
        }
        break;
      }
      this.start = s;
      this.end = p;
      p++;
      if (p < e && b[p] !== delim) return `field ${index + 1}: unexpected text after a closing quote`;
      this.next = p;
      return undefined;
    }
    this.quoted = false;
    this.escaped = false;
    this.start = p;
    while (p < e && b[p] !== delim) p++;
    this.end = p;
    this.next = p;
    return undefined;
  }

  text(b: Buffer): string {
    const t = utf8(b, this.start, this.end);
    return this.escaped ? t.replaceAll('""', '"') : t;
  }
}

/**
 * Whether header fields name exactly the table's columns (ignoring case and order), the auto-detection
 * rule: a data row that happens to do so would be a strange row.
 */
export function looksLikeHeader(fields: readonly string[], schemaNames: readonly string[]): boolean {
  if (fields.length !== schemaNames.length) return false;
  const want = new Set(schemaNames.map((n) => n.toLowerCase()));
  const seen = new Set(fields.map((f) => f.trim().toLowerCase()));
  return seen.size === want.size && [...seen].every((f) => want.has(f));
}

/** For each projected column, its field index in a line (-1: not in the file, always NULL). */
export function fieldIndexes(columns: readonly Field[], names: readonly string[]): number[] {
  const trimmed = names.map((n) => n.trim());
  return columns.map((c) => {
    const exact = trimmed.indexOf(c.name);
    return exact >= 0 ? exact : trimmed.findIndex((n) => n.toLowerCase() === c.name.toLowerCase());
  });
}

/**
 * Appends one row per CSV line, or nothing and the reason. Every line must have `fieldCount` fields.
 * An empty unquoted field is NULL, as in DuckDB; a quoted empty field (`""`) is an empty VARCHAR and
 * NULL for other types (as in PostgreSQL's COPY, so empty strings and NULLs survive a round trip).
 * VARCHAR, TIMESTAMP and short numbers convert from the bytes directly; other values as text, through
 * the same conversions pushed rows get.
 */
export class CsvLineParser {
  private readonly fields: readonly Field[];
  private readonly builders: readonly ColumnBuilder[];
  private readonly required: readonly boolean[];
  private readonly appenders: ValueAppender[];
  private readonly fieldCount: number;
  private readonly delim: number;
  private readonly nullLiteral: Uint8Array | undefined;
  /** Projected column of each field index, or -1. */
  private readonly columnOfField: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per column: 0 unquoted, 1 quoted, 2 quoted with `""` escapes, 3 absent from the file. */
  private readonly quoting: Uint8Array;
  private readonly span = new FieldSpan();

  constructor(
    fields: readonly Field[],
    builders: readonly ColumnBuilder[],
    required: readonly boolean[],
    layout: { fieldCount: number; fieldOfColumn: readonly number[] },
    delim: number,
    nullLiteral: string | undefined,
  ) {
    this.fields = fields;
    this.builders = builders;
    this.required = required;
    this.appenders = fields.map((f) => valueAppender(f.type));
    this.fieldCount = layout.fieldCount;
    this.delim = delim;
    this.nullLiteral = nullLiteral ? new TextEncoder().encode(nullLiteral) : undefined;
    this.columnOfField = new Int32Array(layout.fieldCount).fill(-1);
    layout.fieldOfColumn.forEach((f, c) => {
      if (f >= 0) this.columnOfField[f] = c;
    });
    this.starts = new Int32Array(fields.length);
    this.ends = new Int32Array(fields.length);
    this.quoting = new Uint8Array(fields.length);
    layout.fieldOfColumn.forEach((f, c) => {
      if (f < 0) this.quoting[c] = 3;
    });
  }

  /** Appends the row in `b[start, end)` to every builder, or appends nothing and returns why. */
  parseLine(b: Buffer, start: number, end: number): string | undefined {
    const rows = this.builders.length > 0 ? this.builders[0]!.length : 0;
    const reason = this.split(b, start, end) ?? this.convert(b);
    if (reason !== undefined) for (const builder of this.builders) if (builder.length > rows) builder.truncate(rows);
    return reason;
  }

  private split(b: Buffer, p: number, e: number): string | undefined {
    const span = this.span;
    let index = 0;
    for (;;) {
      const reason = span.scan(b, p, e, this.delim, index);
      if (reason !== undefined) return reason;
      if (index < this.fieldCount) {
        const c = this.columnOfField[index]!;
        if (c >= 0) {
          this.starts[c] = span.start;
          this.ends[c] = span.end;
          this.quoting[c] = span.escaped ? 2 : span.quoted ? 1 : 0;
        }
      }
      index++;
      if (span.next >= e) break;
      p = span.next + 1;
    }
    if (index !== this.fieldCount) return `expected ${this.fieldCount} fields, found ${index}`;
    return undefined;
  }

  private convert(b: Buffer): string | undefined {
    for (let c = 0; c < this.fields.length; c++) {
      const builder = this.builders[c]!;
      const s = this.starts[c]!;
      const e = this.ends[c]!;
      const q = this.quoting[c]!;
      const type = this.fields[c]!.type.id;
      if (q === 3 || (s === e && (q === 0 || type !== 'VARCHAR')) || (q === 0 && this.isNullLiteral(b, s, e))) {
        if (this.required[c]) return this.columnReason(c, nullReason(q === 3 ? undefined : null));
        builder.appendNull();
        continue;
      }
      if (q < 2) {
        if (type === 'VARCHAR') {
          builder.appendBytes(b, s, e);
          continue;
        }
        if (type === 'TIMESTAMP') {
          const ms = parseTimestampBytes(b, s, e);
          if (ms !== undefined) {
            builder.appendNumber(ms);
            continue;
          }
        } else if (type === 'INT' || type === 'BIGINT' || type === 'DOUBLE') {
          const n = type === 'DOUBLE' ? parseSmallDecimal(b, s, e) : parseSmallInteger(b, s, e);
          if (n === n && (type !== 'INT' || (n | 0) === n)) {
            builder.appendNumber(n);
            continue;
          }
        }
      }
      const text = q === 2 ? utf8(b, s, e).replaceAll('""', '"') : utf8(b, s, e);
      const reason = this.appenders[c]!(builder, text);
      if (reason !== undefined) return this.columnReason(c, reason);
    }
    return undefined;
  }

  private isNullLiteral(b: Uint8Array, s: number, e: number): boolean {
    const lit = this.nullLiteral;
    if (lit === undefined || e - s !== lit.length) return false;
    for (let i = 0; i < lit.length; i++) if (b[s + i] !== lit[i]) return false;
    return true;
  }

  private columnReason(c: number, reason: string): string {
    return `column "${this.fields[c]!.name}": ${reason}`;
  }
}
