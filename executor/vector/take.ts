// Gathers rows of Arrow columns by index (after a filter), for every column layout Tidemark uses.
import * as A from 'apache-arrow';
import { InternalError } from '../../parser/errors.ts';
import { nullMask, validityBitmap } from './columns.ts';

/** The rows `indices` of `data`, as a new column with offset 0. */
export function take(data: A.Data, indices: Int32Array): A.Data {
  const n = indices.length;
  const srcNulls = nullMask(data);
  let nulls: Uint8Array | null = null;
  if (srcNulls) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = srcNulls[indices[i]!]!;
  }
  const { bitmap, nullCount } = validityBitmap(nulls, n);
  const t = data.type;
  const off = data.offset;
  const base = { type: t, length: n, nullCount, nullBitmap: bitmap };
  if (t instanceof A.Null) return A.makeData({ type: t, length: n, nullCount: n });
  if (t instanceof A.Bool) {
    const src = data.values as Uint8Array;
    const out = new Uint8Array(((n + 63) >> 6) << 3);
    for (let i = 0; i < n; i++) {
      const j = indices[i]! + off;
      if ((src[j >> 3]! >> (j & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
    }
    return A.makeData({ ...base, data: out } as never);
  }
  if (t instanceof A.Utf8) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const outOffsets = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const j = indices[i]!; // value offsets are already sliced; only bitmaps use `off`
      total += offsets[j + 1]! - offsets[j]!;
      outOffsets[i + 1] = total;
    }
    const out = new Uint8Array(total);
    for (let i = 0; i < n; i++) {
      const j = indices[i]!;
      out.set(bytes.subarray(offsets[j]!, offsets[j + 1]!), outOffsets[i]!);
    }
    return A.makeData({ ...base, valueOffsets: outOffsets, data: out } as never);
  }
  // Fixed-width layouts, copied as 32-bit words: 1 per row (Int32), 2 (Int64, Float64, Timestamp), 4 (Decimal128).
  const values = data.values as Int32Array | Uint32Array | Float64Array | BigInt64Array;
  const stride = t instanceof A.Decimal ? 4 : values.BYTES_PER_ELEMENT / 4;
  if (!Number.isInteger(stride) || stride < 1) throw new InternalError(`take: unsupported layout ${String(t)}`);
  const src = new Int32Array(values.buffer, values.byteOffset, values.byteLength / 4);
  const Ctor = values.constructor as new (length: number) => typeof values;
  const out = new Ctor(t instanceof A.Decimal ? n * 4 : n);
  const dst = new Int32Array(out.buffer, out.byteOffset, out.byteLength / 4);
  for (let i = 0; i < n; i++) {
    const s = indices[i]! * stride;
    const d = i * stride;
    for (let k = 0; k < stride; k++) dst[d + k] = src[s + k]!;
  }
  return A.makeData({ ...base, data: out } as never);
}
