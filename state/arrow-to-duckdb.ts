// Copies slices of Arrow columns into DuckDB data-chunk vectors: raw buffer copies for fixed-width columns
// and validity, one native call per string, never a JS object per value.
import duckdb from '@duckdb/node-bindings';
import type * as A from 'apache-arrow';
import type { SqlType } from '../planner/types.ts';
import { STORAGE_BYTES, storageOf } from './duckdb-types.ts';

/** Rows per DuckDB data chunk (the standard vector size, 2048). */
export const CHUNK_ROWS = duckdb.vector_size();

/** Zeros for a whole vector of the widest values: validity bits (all NULL) and empty values. */
const ZEROS = new Uint8Array(CHUNK_ROWS * 16);

/** Writes rows [start, start + n) of `col` (typed per arrow-types.ts) into `vector`; n ≤ CHUNK_ROWS. */
export function writeColumn(vector: duckdb.Vector, col: A.Data, type: SqlType, start: number, n: number): void {
  writeValidity(vector, col, start, n);
  const storage = storageOf(type);
  switch (storage) {
    case 'string':
      return writeStrings(vector, col, start, n);
    case 'bool':
      return writeBytes(vector, bitsToBytes(col.values as Uint8Array, col.offset + start, n));
    case 'int16':
    case 'int32':
    case 'int64':
      // DECIMAL(p ≤ 18) arrives as Decimal128 words and is kept narrower by DuckDB.
      if (type.id === 'DECIMAL') {
        return writeBytes(vector, narrowDecimals(col.values as Uint32Array, storage, start, n));
      }
      return copyFixed(vector, col.values as ArrayBufferView, STORAGE_BYTES[storage], start, n);
    case 'int128':
    case 'float64':
      return copyFixed(vector, col.values as ArrayBufferView, STORAGE_BYTES[storage], start, n);
  }
}

/**
 * Marks the first n rows of `vector` NULL (non-key columns of staged removals). The values are zeroed too:
 * a reset chunk still holds the previous rows' string entries, and although DuckDB skips NULL rows, a
 * dangling string pointer read by mistake would crash the process instead of raising.
 */
export function writeNulls(vector: duckdb.Vector, type: SqlType, n: number): void {
  duckdb.copy_data_to_vector(vector, 0, ZEROS.buffer, 0, n * STORAGE_BYTES[storageOf(type)]);
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, ZEROS.buffer, 0, Math.ceil(n / 8));
}

/** Writes raw little-endian values (already in DuckDB's layout) into the start of `vector`. */
export function writeBytes(vector: duckdb.Vector, values: ArrayBufferView): void {
  duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
}

function copyFixed(vector: duckdb.Vector, values: ArrayBufferView, width: number, start: number, n: number): void {
  duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + start * width, n * width);
}

function writeValidity(vector: duckdb.Vector, col: A.Data, start: number, n: number): void {
  if (col.nullCount === 0 || !col.nullBitmap || col.nullBitmap.length === 0) return;
  const bits = bitsAt(col.nullBitmap, col.offset + start, n);
  duckdb.vector_ensure_validity_writable(vector);
  // Arrow's validity bitmap and DuckDB's validity mask share one layout: LSB-first bits, 1 = valid.
  duckdb.copy_data_to_vector_validity(vector, 0, bits.buffer as ArrayBuffer, bits.byteOffset, bits.byteLength);
}

function writeStrings(vector: duckdb.Vector, col: A.Data, start: number, n: number): void {
  const offsets = col.valueOffsets as Int32Array;
  const bytes = col.values as Uint8Array;
  // A NULL row has an empty range here and its validity bit already cleared, so it needs no special case.
  for (let i = 0; i < n; i++) {
    duckdb.vector_assign_string_element_len(vector, i, bytes.subarray(offsets[start + i]!, offsets[start + i + 1]!));
  }
}

/** n bits starting at bit `from`, realigned to start at bit 0 (a view when already byte-aligned). */
function bitsAt(bitmap: Uint8Array, from: number, n: number): Uint8Array {
  const byteCount = Math.ceil(n / 8);
  const first = from >> 3;
  const shift = from & 7;
  if (shift === 0) return bitmap.subarray(first, first + byteCount);
  const out = new Uint8Array(byteCount);
  for (let i = 0; i < byteCount; i++) {
    out[i] = ((bitmap[first + i]! >> shift) | ((bitmap[first + i + 1] ?? 0) << (8 - shift))) & 0xff;
  }
  return out;
}

function bitsToBytes(bitmap: Uint8Array, from: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const bit = from + i;
    out[i] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
  }
  return out;
}

/** Decimal128 words (4 little-endian uint32 per value) → DuckDB's int16/int32/int64 unscaled values. */
function narrowDecimals(
  words: Uint32Array,
  storage: 'int16' | 'int32' | 'int64',
  start: number,
  n: number,
): ArrayBufferView {
  if (storage === 'int64') {
    const out = new Uint32Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[2 * i] = words[4 * (start + i)]!;
      out[2 * i + 1] = words[4 * (start + i) + 1]!;
    }
    return out;
  }
  // The low word holds the value's two's complement; typed-array stores truncate it to the width.
  const out = storage === 'int32' ? new Int32Array(n) : new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = words[4 * (start + i)]!;
  return out;
}
