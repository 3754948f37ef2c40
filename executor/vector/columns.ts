// Converts between Arrow columns and the kernels' value vectors (Col), reading int64 words without BigInt.
import * as A from 'apache-arrow';
import { InternalError, assertNever } from '../../parser/errors.ts';
import { roundHalfUp } from '../../planner/functions/arithmetic.ts';
import type { Col } from '../../planner/functions/column.ts';
import type { SqlType } from '../../planner/types.ts';

const TWO_32 = 4294967296;

/** 1 for each NULL row, or null when the column has no NULLs. */
export function nullMask(data: A.Data): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) {
    if (data.type instanceof A.Null) return new Uint8Array(data.length).fill(1);
    return null;
  }
  const bits = data.nullBitmap;
  const n = data.length;
  const off = data.offset;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + off;
    out[i] = (bits[j >> 3]! >> (j & 7)) & 1 ? 0 : 1;
  }
  return out;
}

/** Packs a NULL mask (1 = NULL) into an Arrow validity bitmap (1 = valid). */
export function validityBitmap(nulls: Uint8Array | null, n: number): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (!nulls) return { bitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(((n + 63) >> 6) << 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (nulls[i]) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount === 0 ? { bitmap: undefined, nullCount: 0 } : { bitmap, nullCount };
}

/** Event-time columns are read by several operators per batch; the conversion is kept per column. */
const int64Cache = new WeakMap<A.Data, Float64Array>();

/** int64 storage (BigInt64Array) read as numbers through an Int32Array view: exact below 2^53. */
export function int64AsNumbers(data: A.Data): Float64Array {
  const cached = int64Cache.get(data);
  if (cached) return cached;
  const out = readInt64Words(data);
  int64Cache.set(data, out);
  return out;
}

function readInt64Words(data: A.Data): Float64Array {
  const values = data.values as BigInt64Array;
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const n = data.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
  return out;
}

/** Decimal128 storage read as the decimal's value (unscaled / 10^scale); exact to 15 significant digits. */
export function decimalAsNumbers(data: A.Data, scale: number): Float64Array {
  const words = data.values as Uint32Array;
  const n = data.length;
  const out = new Float64Array(n);
  const div = Math.pow(10, scale);
  for (let i = 0; i < n; i++) out[i] = ((words[4 * i + 1]! | 0) * TWO_32 + words[4 * i]!) / div;
  return out;
}

/** The numeric values of an INT, BIGINT, DOUBLE, DECIMAL or TIMESTAMP column (ms for timestamps). */
export function numbersOf(data: A.Data, type: SqlType): Float64Array {
  switch (type.id) {
    case 'DOUBLE':
    case 'INTERVAL': {
      const v = data.values as Float64Array;
      return v.length === data.length ? v : v.subarray(0, data.length);
    }
    case 'INT':
      return Float64Array.from((data.values as Int32Array).subarray(0, data.length));
    case 'BIGINT':
    case 'TIMESTAMP':
      return int64AsNumbers(data); // exact below 2^53; larger BIGINTs read exactly through toCol
    case 'DECIMAL':
      return decimalAsNumbers(data, type.scale);
    default:
      throw new InternalError(`numbersOf(${type.id})`);
  }
}

const decoder = new TextDecoder();

/** Reads an Arrow column into a kernel vector. */
export function toCol(data: A.Data, type: SqlType): Col {
  const nulls = nullMask(data);
  switch (type.id) {
    case 'BOOLEAN': {
      const n = data.length;
      const bits = data.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const j = i + data.offset;
        out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
      }
      return { kind: 'bool', values: out, nulls };
    }
    case 'VARCHAR': {
      const n = data.length;
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const a = offsets[i]!;
        const b = offsets[i + 1]!;
        out[i] = b > a ? decoder.decode(bytes.subarray(a, b)) : '';
      }
      return { kind: 'str', values: out, nulls };
    }
    case 'NULL':
      return { kind: 'num', values: new Float64Array(data.length), nulls: new Uint8Array(data.length).fill(1) };
    case 'BIGINT': {
      // Values beyond 2^53 keep their exact int64 alongside (kernels for integers use it).
      const values = int64AsNumbers(data);
      for (let i = 0; i < values.length; i++)
        if (!Number.isSafeInteger(values[i]!) && !nulls?.[i]) return { kind: 'num', values, nulls, big: (data.values as BigInt64Array).subarray(0, data.length) };
      return { kind: 'num', values, nulls };
    }
    case 'INT':
    case 'DOUBLE':
    case 'DECIMAL':
    case 'TIMESTAMP':
    case 'INTERVAL':
      return { kind: 'num', values: numbersOf(data, type), nulls };
    default:
      return assertNever(type);
  }
}

/** Writes a kernel vector as an Arrow column of `type` (INT wraps to 32 bits; DECIMAL rounds to its scale). */
export function fromCol(col: Col, type: SqlType, n: number): A.Data {
  const { bitmap, nullCount } = validityBitmap(col.nulls, n);
  const make = <T extends A.DataType>(t: T, data: ArrayLike<number> | ArrayBufferView, extra: object = {}) =>
    A.makeData({ type: t, length: n, nullCount, nullBitmap: bitmap, data, ...extra } as never) as A.Data;
  switch (type.id) {
    case 'BOOLEAN': {
      const v = col.values as Uint8Array;
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      for (let i = 0; i < n; i++) if (v[i]) bits[i >> 3] |= 1 << (i & 7);
      return make(new A.Bool(), bits);
    }
    case 'INT': {
      const v = col.values as Float64Array;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = v[i]! | 0;
      return make(new A.Int32(), out);
    }
    case 'BIGINT':
    case 'TIMESTAMP': {
      if (col.kind === 'num' && col.big) return make(new A.Int64(), col.big);
      const v = col.values as Float64Array;
      const out = new BigInt64Array(n);
      writeInt64(out, v, col.nulls, type.id);
      return make(type.id === 'BIGINT' ? new A.Int64() : new A.TimestampMillisecond(), out);
    }
    case 'DOUBLE':
    case 'INTERVAL':
      return make(new A.Float64(), col.values as Float64Array);
    case 'DECIMAL': {
      const v = col.values as Float64Array;
      const out = new Uint32Array(n * 4);
      const m = Math.pow(10, type.scale);
      const limit = Math.pow(10, type.precision);
      for (let i = 0; i < n; i++) {
        if (col.nulls?.[i]) continue;
        const unscaled = roundHalfUp(v[i]! * m, 0);
        if (Math.abs(unscaled) >= limit) throw new RangeError(`value ${v[i]} does not fit in DECIMAL(${type.precision}, ${type.scale})`);
        writeDecimalWords(out, i, unscaled);
      }
      return make(new A.Decimal(type.scale, type.precision, 128), out);
    }
    case 'VARCHAR':
      return utf8Data(col.values as readonly string[], col.nulls, n);
    case 'NULL':
      return A.makeData({ type: new A.Null(), length: n, nullCount: n });
    default:
      return assertNever(type);
  }
}

/** Stores numbers as int64 words; values must be safe integers (BIGINT beyond 2^53 cannot come from a kernel). */
function writeInt64(out: BigInt64Array, v: Float64Array, nulls: Uint8Array | null, what: string): void {
  const words = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let i = 0; i < v.length; i++) {
    if (nulls?.[i]) continue;
    const x = v[i]!;
    if (!Number.isSafeInteger(x)) {
      if (Number.isFinite(x) && Number.isInteger(x)) throw new RangeError(`${what} result ${x} is beyond 2^53, which Tidemark does not compute exactly yet`);
      throw new RangeError(`${what} result ${x} is not an integer`);
    }
    const hi = Math.floor(x / TWO_32);
    words[2 * i] = x - hi * TWO_32;
    words[2 * i + 1] = hi;
  }
}

export function writeDecimalWords(out: Uint32Array, i: number, unscaled: number): void {
  const hi = Math.floor(unscaled / TWO_32);
  out[4 * i] = unscaled - hi * TWO_32;
  out[4 * i + 1] = hi >>> 0;
  const ext = unscaled < 0 ? 0xffffffff : 0;
  out[4 * i + 2] = ext;
  out[4 * i + 3] = ext;
}

const encoder = new TextEncoder();

export function utf8Data(values: readonly string[], nulls: Uint8Array | null, n: number): A.Data {
  const offsets = new Int32Array(n + 1);
  let bytes = new Uint8Array(Math.max(64, n * 8));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (!nulls?.[i]) {
      const s = values[i]!;
      if (pos + s.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, pos + s.length * 3));
        grown.set(bytes.subarray(0, pos));
        bytes = grown;
      }
      pos += encoder.encodeInto(s, bytes.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  const { bitmap, nullCount } = validityBitmap(nulls, n);
  return A.makeData({ type: new A.Utf8(), length: n, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: bytes.subarray(0, pos) });
}
