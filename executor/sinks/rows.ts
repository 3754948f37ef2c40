// Reads Arrow columns into the library's JS values (SPEC §4), a column at a time, and builds rows and changes.
import type * as A from 'apache-arrow';
import { ROW_KIND_NAMES, type RowKindName, type StreamBatch } from '../batch.ts';
import { assertNever } from '../../parser/errors.ts';
import type { Schema, SqlType } from '../../planner/types.ts';
import { nullMask } from '../vector/columns.ts';

/** One change of a query's changelog (SPEC §3). */
export interface Change {
  readonly op: RowKindName;
  readonly row: Record<string, unknown>;
}

/** The batch's rows as objects keyed by column name, values as SPEC §4 says (NULL as `null`). */
export function batchToRows(batch: A.RecordBatch, schema: Schema): Record<string, unknown>[] {
  const n = batch.numRows;
  const children = batch.data.children;
  const names = schema.fields.map((f) => f.name);
  const columns = schema.fields.map((f, c) => columnValues(children[c]!, f.type));
  const rows = new Array<Record<string, unknown>>(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![i];
    rows[i] = row;
  }
  return rows;
}

/** The batch as changes in row order; rows without `ops` are inserts. */
export function changesOf(batch: StreamBatch, schema: Schema): Change[] {
  const rows = batchToRows(batch.data, schema);
  const ops = batch.ops;
  return rows.map((row, i) => ({ op: ops ? ROW_KIND_NAMES[ops[i]!]! : '+I', row }));
}

/** Every value of one column as its JS value: number, bigint, string, boolean, Date, or null for NULL. */
export function columnValues(data: A.Data, type: SqlType): unknown[] {
  const nulls = nullMask(data);
  let out: unknown[];
  switch (type.id) {
    case 'BOOLEAN': {
      const bits = boolBits(data);
      out = new Array<boolean>(data.length);
      for (let i = 0; i < bits.length; i++) out[i] = bits[i] === 1;
      break;
    }
    case 'INT':
    case 'DOUBLE':
    case 'INTERVAL':
      out = Array.from(plainNumbers(data));
      break;
    case 'BIGINT':
      out = bigintValues(data);
      break;
    case 'DECIMAL':
      out = decimalNumbers(data, type.scale);
      break;
    case 'VARCHAR':
      out = utf8Strings(data);
      break;
    case 'TIMESTAMP': {
      const ms = int64Numbers(data);
      out = new Array<Date>(ms.length);
      for (let i = 0; i < ms.length; i++) out[i] = new Date(ms[i]!);
      break;
    }
    case 'NULL':
      return new Array<null>(data.length).fill(null);
    default:
      return assertNever(type);
  }
  if (nulls) for (let i = 0; i < nulls.length; i++) if (nulls[i]) out[i] = null;
  return out;
}

// Arrow's Data.slice() narrows `values` and `valueOffsets` to the slice but keeps `offset` for the bit-packed
// buffers (validity, booleans), so row i is values[i] and valueOffsets[i], yet bit offset + i.

/** An Int32 or Float64 column's values as a typed array view (no copy). */
export function plainNumbers(data: A.Data): Int32Array | Float64Array {
  const v = data.values as Int32Array | Float64Array;
  return v.length === data.length ? v : v.subarray(0, data.length);
}

const TWO_32 = 4294967296;

/** An Int64 or Timestamp column as numbers, read through 32-bit words: exact below 2^53 without BigInt. */
export function int64Numbers(data: A.Data): Float64Array {
  const values = data.values as BigInt64Array;
  const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
  return out;
}

/** One byte per row, 1 for true; NULL rows read as whatever the value bit holds. */
export function boolBits(data: A.Data): Uint8Array {
  const bits = data.values as Uint8Array;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const j = i + data.offset;
    out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
  }
  return out;
}

/** An Int64 column exactly: a number when it is a safe integer, the bigint otherwise (SPEC §4). */
export function bigintValues(data: A.Data): (number | bigint)[] {
  // The word-wise read is exact below 2^53 and rounds anything beyond to at least 2^53, so the
  // safe-integer test picks out exactly the values that need the (slower) BigInt64Array read.
  const nums = int64Numbers(data);
  const big = data.values as BigInt64Array;
  const out = new Array<number | bigint>(nums.length);
  for (let i = 0; i < nums.length; i++) {
    const x = nums[i]!;
    out[i] = Number.isSafeInteger(x) ? x : big[i]!;
  }
  return out;
}

const decoder = new TextDecoder();

/** A Utf8 column's strings; NULL rows read as ''. */
export function utf8Strings(data: A.Data): string[] {
  const n = data.length;
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const out = new Array<string>(n);
  const start = offsets[0] ?? 0;
  const end = offsets[n] ?? 0;
  // Decoding each short string separately costs a native call per row; when every byte is ASCII the
  // byte offsets are also string offsets, so one decode and cheap slices do the whole column.
  let ascii = true;
  for (let p = start; p < end; p++) {
    if (bytes[p]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const all = decoder.decode(bytes.subarray(start, end));
    for (let i = 0; i < n; i++) out[i] = all.slice(offsets[i]! - start, offsets[i + 1]! - start);
  } else {
    for (let i = 0; i < n; i++) {
      const a = offsets[i]!;
      const b = offsets[i + 1]!;
      out[i] = b > a ? decoder.decode(bytes.subarray(a, b)) : '';
    }
  }
  return out;
}

// |hi word| below 2^21 keeps hi * 2^32 + lo within ±2^53, where numbers are exact.
const SAFE_HI = 0x200000;

/** Row i's unscaled Decimal128 value: a number when a safe integer, else the exact bigint. */
export function decimalUnscaled(data: A.Data, i: number): number | bigint {
  const w = data.values as Uint32Array;
  const o = i * 4;
  const hi = w[o + 1]! | 0;
  const ext = hi < 0 ? 0xffffffff : 0;
  if (w[o + 2] === ext && w[o + 3] === ext && hi < SAFE_HI && hi >= -SAFE_HI) return hi * TWO_32 + w[o]!;
  const big = (BigInt(w[o + 3]!) << 96n) | (BigInt(w[o + 2]!) << 64n) | (BigInt(w[o + 1]!) << 32n) | BigInt(w[o]!);
  return BigInt.asIntN(128, big);
}

/** An unscaled decimal written with exactly `scale` fraction digits: (-1250, 2) → '-12.50'. */
export function scaledText(unscaled: number | bigint, scale: number): string {
  const neg = unscaled < 0;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale <= 0) return neg ? '-' + digits : digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const text = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  return neg ? '-' + text : text;
}

/** A Decimal128 column's values as numbers (the nearest double to the exact decimal). */
export function decimalNumbers(data: A.Data, scale: number): number[] {
  const div = Math.pow(10, scale);
  const out = new Array<number>(data.length);
  for (let i = 0; i < out.length; i++) {
    const u = decimalUnscaled(data, i);
    // Dividing two exact doubles rounds once, correctly; beyond 2^53 parsing the exact text does the same.
    out[i] = typeof u === 'number' ? u / div : Number(scaledText(u, scale));
  }
  return out;
}

/** A Decimal128 column's values as exact text with `scale` fraction digits; NULL rows read as '0…'. */
export function decimalTexts(data: A.Data, scale: number): string[] {
  const out = new Array<string>(data.length);
  for (let i = 0; i < out.length; i++) out[i] = scaledText(decimalUnscaled(data, i), scale);
  return out;
}
