// Gathers DuckDB result chunks into Arrow record batches (types per arrow-types.ts) by copying raw vector
// buffers, never building a JS object per value.
import duckdb from '@duckdb/node-bindings';
import * as A from 'apache-arrow';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { Schema, SqlType } from '../planner/types.ts';
import { arrowSchema, makeBatch } from '../executor/vector/arrow-types.ts';
import { STORAGE_BYTES, storageOf, type Storage } from './duckdb-types.ts';

/** Collects up to `capacity` rows of chunks whose columns follow `schema`, then hands them out as a batch. */
export class BatchAssembler {
  private readonly arrowTypes: readonly A.DataType[];
  private columns: ColumnAccumulator[];
  private rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly capacity: number,
  ) {
    this.arrowTypes = arrowSchema(schema).fields.map((f) => f.type);
    this.columns = this.freshColumns();
  }

  get length(): number {
    return this.rows;
  }

  fits(rows: number): boolean {
    return this.rows + rows <= this.capacity;
  }

  add(chunk: DuckDBDataChunk): void {
    const n = chunk.rowCount;
    this.columns.forEach((column, i) => column.append(duckdb.data_chunk_get_vector(chunk.chunk, i), this.rows, n));
    this.rows += n;
  }

  take(): A.RecordBatch {
    const length = this.rows;
    const batch = makeBatch(
      this.schema,
      this.columns.map((c) => c.finish(length)),
      length,
    );
    this.columns = this.freshColumns();
    this.rows = 0;
    return batch;
  }

  private freshColumns(): ColumnAccumulator[] {
    return this.schema.fields.map((f, i) => new ColumnAccumulator(f.type, this.arrowTypes[i]!, this.capacity));
  }
}

/** One column of the batch being assembled: its values in Arrow layout and its validity bitmap. */
class ColumnAccumulator {
  private readonly storage: Storage;
  private readonly width: number;
  /** Arrow values: fixed-width values, packed bools, Decimal128 words, or UTF-8 bytes for strings. */
  private values: Uint8Array;
  private readonly offsets: Int32Array | undefined;
  private validity: Uint8Array | undefined; // allocated at the first NULL
  private bytesUsed = 0; // strings only

  constructor(
    private readonly type: SqlType,
    private readonly arrowType: A.DataType,
    private readonly capacity: number,
  ) {
    this.storage = storageOf(type);
    this.width = STORAGE_BYTES[this.storage];
    if (this.storage === 'string') {
      this.values = new Uint8Array(64 * 1024);
      this.offsets = new Int32Array(capacity + 1);
    } else {
      this.values = new Uint8Array(this.storage === 'bool' ? Math.ceil(capacity / 8) : capacity * this.arrowWidth());
    }
  }

  append(vector: duckdb.Vector, at: number, n: number): void {
    const valid = duckdb.vector_get_validity(vector, Math.ceil(n / 64) * 8);
    if (valid) this.markNulls(valid, at, n);
    const data = duckdb.vector_get_data(vector, n * this.width);
    if (this.storage === 'string') this.appendStrings(data, valid, at, n);
    else if (this.storage === 'bool') packBools(data, this.values, at, n);
    else if (this.arrowWidth() > this.width) widenDecimals(data, this.storage, this.values, at, n);
    else this.values.set(data.subarray(0, n * this.width), at * this.width);
  }

  finish(length: number): A.Data {
    const nullBitmap = this.validity;
    const nullCount = nullBitmap ? length - A.util.popcnt_bit_range(nullBitmap, 0, length) : 0;
    const common = { length, nullCount, nullBitmap: nullCount > 0 ? nullBitmap : undefined };
    if (this.offsets) {
      const valueOffsets = this.offsets.subarray(0, length + 1);
      const data = this.values.subarray(0, this.bytesUsed);
      return A.makeData({ ...common, type: this.arrowType as A.Utf8, valueOffsets, data });
    }
    const used = this.storage === 'bool' ? Math.ceil(length / 8) : length * this.arrowWidth();
    // A short last batch gets its own buffer rather than pinning one sized for a full batch.
    const bytes = length < this.capacity / 2 ? this.values.slice(0, used) : this.values;
    const ArrayType = (this.arrowType as A.DataType & { ArrayType: TypedArrayConstructor }).ArrayType;
    const data = new ArrayType(bytes.buffer, 0, used / ArrayType.BYTES_PER_ELEMENT);
    // The fixed-width overloads of makeData each want their own type; `data` matches arrowType by construction.
    return A.makeData({ ...common, type: this.arrowType, data } as never);
  }

  /** Bytes per value in Arrow: DECIMAL is always 16 whatever DuckDB keeps. */
  private arrowWidth(): number {
    return this.type.id === 'DECIMAL' ? 16 : this.width;
  }

  private markNulls(valid: Uint8Array, at: number, n: number): void {
    for (let i = 0; i < n; i++) {
      if (((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
        this.validity ??= new Uint8Array(Math.ceil(this.capacity / 8)).fill(0xff);
        const bit = at + i;
        this.validity[bit >> 3]! &= ~(1 << (bit & 7));
      }
    }
  }

  /** Reads DuckDB string_t entries: length, then up to 12 bytes inline or a pointer to the bytes. */
  private appendStrings(entries: Uint8Array, valid: Uint8Array | null, at: number, n: number): void {
    const view = new DataView(entries.buffer, entries.byteOffset, n * 16);
    const offsets = this.offsets!;
    for (let i = 0; i < n; i++) {
      const isValid = !valid || ((valid[i >> 3]! >> (i & 7)) & 1) === 1;
      const length = isValid ? view.getUint32(i * 16, true) : 0;
      if (length > 0) {
        const bytes =
          length <= 12
            ? entries.subarray(i * 16 + 4, i * 16 + 4 + length)
            : duckdb.get_data_from_pointer(entries.buffer as ArrayBuffer, entries.byteOffset + i * 16 + 8, length);
        this.reserve(length);
        this.values.set(bytes, this.bytesUsed);
        this.bytesUsed += length;
      }
      offsets[at + i + 1] = this.bytesUsed;
    }
  }

  private reserve(extra: number): void {
    if (this.bytesUsed + extra <= this.values.length) return;
    const grown = new Uint8Array(Math.max(this.values.length * 2, this.bytesUsed + extra));
    grown.set(this.values.subarray(0, this.bytesUsed));
    this.values = grown;
  }
}

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView;
  readonly BYTES_PER_ELEMENT: number;
};

function packBools(bytes: Uint8Array, bits: Uint8Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const bit = at + i;
    if (bytes[i]) bits[bit >> 3]! |= 1 << (bit & 7);
    else bits[bit >> 3]! &= ~(1 << (bit & 7));
  }
}

/** DuckDB's int16/int32/int64 unscaled decimals → Decimal128 words, sign-extended. */
function widenDecimals(data: Uint8Array, storage: Storage, out: Uint8Array, at: number, n: number): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = new Uint32Array(out.buffer, out.byteOffset + at * 16, n * 4);
  for (let i = 0; i < n; i++) {
    let low: number;
    let high: number;
    if (storage === 'int64') {
      low = view.getUint32(i * 8, true);
      high = view.getInt32(i * 8 + 4, true);
    } else {
      low = storage === 'int32' ? view.getInt32(i * 4, true) : view.getInt16(i * 2, true);
      high = low < 0 ? -1 : 0;
    }
    const sign = high < 0 ? 0xffffffff : 0;
    words[4 * i] = low >>> 0;
    words[4 * i + 1] = high >>> 0;
    words[4 * i + 2] = sign;
    words[4 * i + 3] = sign;
  }
}
