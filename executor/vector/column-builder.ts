// Growable typed-array column builders that turn appended values into Arrow Data, one class per SQL type.
import * as A from 'apache-arrow';
import { assertNever, InternalError } from '../../parser/errors.ts';
import { typeToString, type SqlType } from '../../planner/types.ts';
import { arrowType } from './arrow-types.ts';

const TWO_32 = 4294967296;
const DEFAULT_CAPACITY = 1024;

/**
 * Appends values of one SQL type and hands them over as Arrow `Data` (offset 0; a validity bitmap only
 * when there were nulls). Each builder accepts only the appends that suit its type; a wrong one is a
 * bug in the caller (InternalError), because callers convert values first (see sources/value-convert.ts).
 * Int64 storage is little-endian, as on every platform Node runs on.
 */
export abstract class ColumnBuilder {
  readonly type: SqlType;
  length = 0;
  nullCount = 0;
  protected capacity: number;
  /** One bit per row, allocated at the first null so columns without nulls carry no bitmap. */
  protected validity: Uint8Array | null = null;

  constructor(type: SqlType, capacity: number) {
    this.type = type;
    this.capacity = Math.max(8, capacity | 0);
  }

  appendNull(): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity === null) this.allocValidity();
    this.validity![this.length >> 3] &= ~(1 << (this.length & 7));
    this.nullCount++;
    this.storeNull(this.length);
    this.length++;
  }

  /** INT, BIGINT (a safe integer), DOUBLE, TIMESTAMP (integer epoch ms). */
  appendNumber(_v: number): void {
    this.unsupported('appendNumber');
  }
  /** BIGINT within int64, or a DECIMAL's unscaled value. */
  appendBigInt(_v: bigint): void {
    this.unsupported('appendBigInt');
  }
  /** A DECIMAL's unscaled integer (value × 10^scale), a safe integer. */
  appendUnscaled(_n: number): void {
    this.unsupported('appendUnscaled');
  }
  appendString(_s: string): void {
    this.unsupported('appendString');
  }
  /** VARCHAR from UTF-8 bytes `bytes[start, end)`, copied without decoding to a JS string. */
  appendBytes(_bytes: Uint8Array, _start: number, _end: number): void {
    this.unsupported('appendBytes');
  }
  appendBoolean(_b: boolean): void {
    this.unsupported('appendBoolean');
  }

  /** Drops rows from `length` on, so a row rejected halfway through its columns leaves no trace. */
  truncate(length: number): void {
    if (length > this.length) throw new InternalError(`cannot truncate ${this.length} rows to ${length}`);
    if (this.validity !== null) {
      for (let i = length; i < this.length; i++) if ((this.validity[i >> 3]! & (1 << (i & 7))) === 0) this.nullCount--;
    }
    this.length = length;
    this.afterTruncate(length);
  }

  /** The rows appended so far as Arrow Data; the builder starts empty again (it never reuses handed-out memory). */
  finish(): A.Data {
    const length = this.length;
    const nullCount = this.nullCount;
    const nullBitmap = nullCount > 0 ? this.validity!.subarray(0, (length + 7) >> 3) : undefined;
    const data = this.makeData(length, nullCount, nullBitmap);
    this.length = 0;
    this.nullCount = 0;
    this.validity = null;
    this.reset();
    return data;
  }

  /** Marks the current row valid; subclasses call it only while a bitmap exists. */
  protected markValid(): void {
    this.validity![this.length >> 3] |= 1 << (this.length & 7);
  }

  protected grow(): void {
    const next = this.capacity * 2;
    if (this.validity !== null) this.validity = growBytes(this.validity, (next + 7) >> 3);
    this.capacity = next;
    this.growValues(next);
  }

  private allocValidity(): void {
    const bits = new Uint8Array((this.capacity + 7) >> 3);
    // Every row so far was valid.
    bits.fill(0xff, 0, this.length >> 3);
    if (this.length & 7) bits[this.length >> 3] = (1 << (this.length & 7)) - 1;
    this.validity = bits;
  }

  private unsupported(method: string): never {
    throw new InternalError(`${method} on a ${typeToString(this.type)} column builder`);
  }

  protected abstract storeNull(i: number): void;
  protected abstract growValues(capacity: number): void;
  protected abstract afterTruncate(length: number): void;
  protected abstract reset(): void;
  protected abstract makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data;
}

function growBytes(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}

class BooleanBuilder extends ColumnBuilder {
  private bits: Uint8Array;
  constructor(type: SqlType, capacity: number) {
    super(type, capacity);
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
  }
  override appendBoolean(b: boolean): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const i = this.length;
    if (b) this.bits[i >> 3] |= 1 << (i & 7);
    else this.bits[i >> 3] &= ~(1 << (i & 7));
    this.length = i + 1;
  }
  protected storeNull(i: number): void {
    this.bits[i >> 3] &= ~(1 << (i & 7));
  }
  protected growValues(capacity: number): void {
    this.bits = growBytes(this.bits, (capacity + 7) >> 3);
  }
  protected afterTruncate(): void {}
  protected reset(): void {
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = this.bits.subarray(0, (length + 7) >> 3);
    return A.makeData({ type: new A.Bool(), length, nullCount, nullBitmap, data });
  }
}

class Int32Builder extends ColumnBuilder {
  private values: Int32Array;
  constructor(type: SqlType, capacity: number) {
    super(type, capacity);
    this.values = new Int32Array(this.capacity);
  }
  override appendNumber(v: number): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    this.values[this.length++] = v;
  }
  protected storeNull(i: number): void {
    this.values[i] = 0;
  }
  protected growValues(capacity: number): void {
    const v = new Int32Array(capacity);
    v.set(this.values);
    this.values = v;
  }
  protected afterTruncate(): void {}
  protected reset(): void {
    this.values = new Int32Array(this.capacity);
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    return A.makeData({ type: new A.Int32(), length, nullCount, nullBitmap, data: this.values.subarray(0, length) });
  }
}

class Float64Builder extends ColumnBuilder {
  private values: Float64Array;
  constructor(type: SqlType, capacity: number) {
    super(type, capacity);
    this.values = new Float64Array(this.capacity);
  }
  override appendNumber(v: number): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    this.values[this.length++] = v;
  }
  protected storeNull(i: number): void {
    this.values[i] = 0;
  }
  protected growValues(capacity: number): void {
    const v = new Float64Array(capacity);
    v.set(this.values);
    this.values = v;
  }
  protected afterTruncate(): void {}
  protected reset(): void {
    this.values = new Float64Array(this.capacity);
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    return A.makeData({ type: new A.Float64(), length, nullCount, nullBitmap, data: this.values.subarray(0, length) });
  }
}

/**
 * BIGINT and TIMESTAMP: int64 values written as two Int32 words, which is several times faster than
 * going through BigInt (research/performance.md §3.3); BigInt only for values beyond 2^53.
 */
class Int64Builder extends ColumnBuilder {
  private values: BigInt64Array;
  private words: Int32Array;
  private readonly arrow: A.DataType;
  constructor(type: SqlType, capacity: number) {
    super(type, capacity);
    this.arrow = arrowType(type);
    this.values = new BigInt64Array(this.capacity);
    this.words = new Int32Array(this.values.buffer);
  }
  override appendNumber(v: number): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const i = this.length++;
    if (v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER) {
      const hi = Math.floor(v / TWO_32);
      this.words[2 * i] = v - hi * TWO_32;
      this.words[2 * i + 1] = hi;
    } else {
      this.values[i] = BigInt(v);
    }
  }
  override appendBigInt(v: bigint): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    this.values[this.length++] = v;
  }
  protected storeNull(i: number): void {
    this.words[2 * i] = 0;
    this.words[2 * i + 1] = 0;
  }
  protected growValues(capacity: number): void {
    const v = new BigInt64Array(capacity);
    v.set(this.values);
    this.values = v;
    this.words = new Int32Array(v.buffer);
  }
  protected afterTruncate(): void {}
  protected reset(): void {
    this.values = new BigInt64Array(this.capacity);
    this.words = new Int32Array(this.values.buffer);
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const data = this.values.subarray(0, length);
    return A.makeData({ type: this.arrow as A.Int64, length, nullCount, nullBitmap, data });
  }
}

/** DECIMAL(p ≤ 18, s) as Decimal128: four little-endian Uint32 words of the two's complement unscaled value. */
class DecimalBuilder extends ColumnBuilder {
  private words: Uint32Array;
  private readonly arrow: A.Decimal;
  constructor(type: SqlType & { id: 'DECIMAL' }, capacity: number) {
    super(type, capacity);
    this.arrow = new A.Decimal(type.scale, type.precision, 128);
    this.words = new Uint32Array(this.capacity * 4);
  }
  override appendUnscaled(n: number): void {
    if (!(n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER)) return this.appendBigInt(BigInt(n));
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const w = 4 * this.length++;
    const hi = Math.floor(n / TWO_32);
    const ext = hi < 0 ? 0xffffffff : 0;
    this.words[w] = n - hi * TWO_32;
    this.words[w + 1] = hi;
    this.words[w + 2] = ext;
    this.words[w + 3] = ext;
  }
  override appendBigInt(v: bigint): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const w = 4 * this.length++;
    let x = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) {
      this.words[w + k] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  }
  protected storeNull(i: number): void {
    this.words.fill(0, 4 * i, 4 * i + 4);
  }
  protected growValues(capacity: number): void {
    const v = new Uint32Array(capacity * 4);
    v.set(this.words);
    this.words = v;
  }
  protected afterTruncate(): void {}
  protected reset(): void {
    this.words = new Uint32Array(this.capacity * 4);
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    return A.makeData({ type: this.arrow, length, nullCount, nullBitmap, data: this.words.subarray(0, 4 * length) });
  }
}

/** VARCHAR as Utf8: one growing byte buffer plus Int32 offsets; short ASCII strings skip the encoder. */
class Utf8Builder extends ColumnBuilder {
  private offsets: Int32Array;
  private bytes: Uint8Array;
  private pos = 0;
  private static readonly encoder = new TextEncoder();
  constructor(type: SqlType, capacity: number) {
    super(type, capacity);
    this.offsets = new Int32Array(this.capacity + 1);
    this.bytes = new Uint8Array(this.capacity * 16);
  }
  override appendString(s: string): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const n = s.length;
    let pos = this.pos;
    if (pos + n > this.bytes.length) this.growBytes(pos + n);
    let bytes = this.bytes;
    let i = 0;
    // A charCodeAt loop beats TextEncoder on short strings (§3.3: 19 vs 75 ms per 1M); long ones go native.
    if (n <= 64) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[pos++] = c;
      }
    }
    if (i < n) {
      const rest = n - i;
      if (pos + rest * 3 > bytes.length) bytes = this.growBytes(pos + rest * 3);
      pos += Utf8Builder.encoder.encodeInto(i === 0 ? s : s.slice(i), bytes.subarray(pos)).written;
    }
    this.pos = pos;
    this.offsets[++this.length] = pos;
  }
  override appendBytes(src: Uint8Array, start: number, end: number): void {
    if (this.length === this.capacity) this.grow();
    if (this.validity !== null) this.markValid();
    const n = end - start;
    if (this.pos + n > this.bytes.length) this.growBytes(this.pos + n);
    if (n <= 32) {
      const bytes = this.bytes;
      let pos = this.pos;
      for (let i = start; i < end; i++) bytes[pos++] = src[i]!;
    } else {
      this.bytes.set(src.subarray(start, end), this.pos);
    }
    this.pos += n;
    this.offsets[++this.length] = this.pos;
  }
  protected storeNull(i: number): void {
    this.offsets[i + 1] = this.pos;
  }
  protected growValues(capacity: number): void {
    const o = new Int32Array(capacity + 1);
    o.set(this.offsets);
    this.offsets = o;
  }
  private growBytes(min: number): Uint8Array {
    let size = this.bytes.length * 2;
    while (size < min) size *= 2;
    if (size > 0x7fffffff) throw new InternalError('a VARCHAR column exceeds 2 GiB in one batch');
    this.bytes = growBytes(this.bytes, size);
    return this.bytes;
  }
  protected afterTruncate(length: number): void {
    this.pos = this.offsets[length]!;
  }
  protected reset(): void {
    this.offsets = new Int32Array(this.capacity + 1);
    this.bytes = new Uint8Array(Math.max(64, this.pos));
    this.pos = 0;
  }
  protected makeData(length: number, nullCount: number, nullBitmap: Uint8Array | undefined): A.Data {
    const valueOffsets = this.offsets.subarray(0, length + 1);
    const data = this.bytes.subarray(0, this.pos);
    return A.makeData({ type: new A.Utf8(), length, nullCount, nullBitmap, valueOffsets, data });
  }
}

/** A builder for one column; `capacity` is a hint (rows), the builder grows past it. */
export function createColumnBuilder(type: SqlType, capacity: number = DEFAULT_CAPACITY): ColumnBuilder {
  switch (type.id) {
    case 'BOOLEAN':
      return new BooleanBuilder(type, capacity);
    case 'INT':
      return new Int32Builder(type, capacity);
    case 'BIGINT':
    case 'TIMESTAMP':
      return new Int64Builder(type, capacity);
    case 'DOUBLE':
    case 'INTERVAL':
      return new Float64Builder(type, capacity);
    case 'DECIMAL':
      return new DecimalBuilder(type, capacity);
    case 'VARCHAR':
      return new Utf8Builder(type, capacity);
    case 'NULL':
      throw new InternalError('no column builder for the NULL type');
    default:
      return assertNever(type);
  }
}

let lastValues: BigInt64Array | null = null;
let lastWords: Int32Array = new Int32Array(0);

/** An Int32 (lo, hi) view over an int64 buffer: reading pairs is ~10x faster than Number(bigint) (§3.3). */
export function int64Words(values: BigInt64Array): Int32Array {
  if (values !== lastValues) {
    lastWords = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    lastValues = values;
  }
  return lastWords;
}

/**
 * Row i of an Int64 or Timestamp column as a number: exact for safe integers; beyond ±2^53 the nearest
 * double, read through the bigint. Null rows read as 0; check validity first.
 */
export function readInt64(data: A.Data, i: number): number {
  const words = int64Words(data.values as BigInt64Array);
  const hi = words[2 * i + 1]!;
  // |hi| < 2^21 means |v| < 2^53: the two words combine exactly.
  if (hi < 0x200000 && hi >= -0x200000) return hi * TWO_32 + (words[2 * i]! >>> 0);
  return Number((data.values as BigInt64Array)[i]!);
}

/** Row i of an Int64 column as SPEC §4 hands BIGINT to users: a number when safe, else a bigint. */
export function readInt64Exact(data: A.Data, i: number): number | bigint {
  const words = int64Words(data.values as BigInt64Array);
  const hi = words[2 * i + 1]!;
  if (hi < 0x200000 && hi >= -0x200000) return hi * TWO_32 + (words[2 * i]! >>> 0);
  const big = (data.values as BigInt64Array)[i]!;
  return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
}

/** Row i of a Decimal128 column as its unscaled integer (value × 10^scale); exact up to 2^53. */
export function readDecimalUnscaled(data: A.Data, i: number): number {
  const w = data.values as Uint32Array;
  const k = 4 * i;
  const lo = w[k]!;
  const hi = w[k + 1]! | 0;
  const ext = hi < 0 ? 0xffffffff : 0;
  if (w[k + 2] === ext && w[k + 3] === ext) return hi * TWO_32 + lo;
  // Beyond int64 (precision > 18 from a pushed Arrow batch): the nearest double.
  return (w[k + 3]! | 0) * 2 ** 96 + w[k + 2]! * 2 ** 64 + (w[k + 1]! >>> 0) * TWO_32 + lo;
}

/** Whether row i is valid (not NULL), honouring the data's bit offset. */
export function isValid(data: A.Data, i: number): boolean {
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || bits === undefined || bits === null || bits.length === 0) return true;
  const j = data.offset + i;
  return (bits[j >> 3]! & (1 << (j & 7))) !== 0;
}
