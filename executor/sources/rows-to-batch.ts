// Turns what `push()` receives (plain row objects, or Arrow batches and tables) into RecordBatches of a table's schema.
import * as A from 'apache-arrow';
import { TidemarkError } from '../../parser/errors.ts';
import { typeToString, type Field, type Schema, type SqlType } from '../../planner/types.ts';
import { arrowType, makeBatch } from '../vector/arrow-types.ts';
import { createColumnBuilder, isValid, readInt64, type ColumnBuilder } from '../vector/column-builder.ts';
import { MAX_TIMESTAMP_MS } from '../../planner/timestamp.ts';
import { describeValue, lookupProperty, nullReason, valueAppender } from './value-convert.ts';

export interface PushOptions {
  /** Columns that must not be NULL besides NOT NULL ones: the event-time column. */
  readonly required?: readonly string[];
}

function badRow(message: string): TidemarkError {
  return new TidemarkError({ code: 'bad-row', message });
}

function requiredFlags(schema: Schema, opts: PushOptions | undefined): boolean[] {
  return schema.fields.map((f) => !f.nullable || (opts?.required?.includes(f.name) ?? false));
}

/**
 * One batch with every column of `schema`, read from each row's property of the column's name (exact,
 * else case-insensitive); other properties are ignored, a missing one is NULL. All or nothing: the
 * first bad value throws `bad-row` naming the row (0-based in `rows`), the column and the reason.
 */
export function rowsToBatch(rows: readonly object[], schema: Schema, opts?: PushOptions): A.RecordBatch {
  const fields = schema.fields;
  const builders = fields.map((f) => createColumnBuilder(f.type, rows.length));
  const appenders = fields.map((f) => valueAppender(f.type));
  const required = requiredFlags(schema, opts);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw badRow(`row ${r}: expected an object with the table's columns, found ${describeValue(row)}`);
    }
    for (let c = 0; c < fields.length; c++) {
      const name = fields[c]!.name;
      let v = row[name];
      if (v === undefined) v = lookupProperty(row, name);
      if ((v === null || v === undefined) && required[c]) {
        throw badRow(`row ${r}: column "${name}": ${nullReason(v)}`);
      }
      const reason = appenders[c]!(builders[c]!, v);
      if (reason !== undefined) throw badRow(`row ${r}: column "${name}": ${reason}`);
    }
  }
  return makeBatch(
    schema,
    builders.map((b) => b.finish()),
    rows.length,
  );
}

/**
 * The batches of a pushed Arrow RecordBatch or Table in `schema`'s layout. Columns are matched by name
 * (exact, else case-insensitive); a missing nullable column is all NULL. A column already in the
 * engine's Arrow type (arrow-types.ts) at offset 0 is used without copying; others are converted:
 * numbers between numeric types (values checked against the target's range), Timestamp of any unit
 * or epoch-ms numbers into TIMESTAMP, dictionary and large strings into Utf8, sliced data to offset 0.
 */
export function arrowToBatches(input: A.RecordBatch | A.Table, schema: Schema, opts?: PushOptions): A.RecordBatch[] {
  const batches = input instanceof A.Table ? input.batches : [input];
  const required = requiredFlags(schema, opts);
  const out: A.RecordBatch[] = [];
  let rowBase = 0;
  for (const batch of batches) {
    const columns = schema.fields.map((f, c) => columnOf(batch, f, required[c]!, rowBase));
    out.push(makeBatch(schema, columns, batch.numRows));
    rowBase += batch.numRows;
  }
  return out;
}

function columnOf(batch: A.RecordBatch, field: Field, required: boolean, rowBase: number): A.Data {
  const names = batch.schema.fields.map((f) => f.name);
  let idx = names.indexOf(field.name);
  if (idx < 0) idx = names.findIndex((n) => n.toLowerCase() === field.name.toLowerCase());
  const length = batch.numRows;
  if (idx < 0 || A.DataType.isNull(batch.schema.fields[idx]!.type)) {
    if (required && length > 0) {
      throw badRow(`column "${field.name}" is missing from the pushed Arrow data, and it must not be NULL`);
    }
    return allNull(field.type, length);
  }
  const data = convertColumn(batch.data.children[idx]!, field, rowBase);
  if (required && data.nullCount > 0) {
    let i = 0;
    while (isValid(data, i)) i++;
    throw badRow(`row ${rowBase + i}: column "${field.name}": ${nullReason(null)}`);
  }
  return data;
}

function allNull(type: SqlType, length: number): A.Data {
  const b = createColumnBuilder(type, length);
  for (let i = 0; i < length; i++) b.appendNull();
  return b.finish();
}

/** Whether `t` is stored exactly as arrow-types.ts stores `target`, so its buffers can be shared. */
function sameStorage(t: A.DataType, target: SqlType): boolean {
  switch (target.id) {
    case 'BOOLEAN':
      return A.DataType.isBool(t);
    case 'INT':
      return A.DataType.isInt(t) && t.bitWidth === 32 && t.isSigned;
    case 'BIGINT':
      return A.DataType.isInt(t) && t.bitWidth === 64 && t.isSigned;
    case 'DOUBLE':
      return A.DataType.isFloat(t) && t.precision === A.Precision.DOUBLE;
    case 'DECIMAL':
      return A.DataType.isDecimal(t) && t.bitWidth === 128 && t.scale === target.scale && t.precision <= target.precision;
    case 'VARCHAR':
      return A.DataType.isUtf8(t);
    case 'TIMESTAMP':
      return A.DataType.isTimestamp(t) && t.unit === A.TimeUnit.MILLISECOND;
    default:
      return false;
  }
}

/** Whether `t` is the very type arrow-types.ts gives `target`, so the Data itself can be reused. */
function exactType(t: A.DataType, target: SqlType): boolean {
  if (A.DataType.isTimestamp(t)) return !t.timezone;
  if (A.DataType.isDecimal(t)) return target.id === 'DECIMAL' && t.precision === target.precision;
  return true;
}

function isText(t: A.DataType): boolean {
  if (A.DataType.isDictionary(t)) return isText(t.dictionary);
  return A.DataType.isUtf8(t) || A.DataType.isLargeUtf8(t) || A.DataType.isUtf8View(t);
}

function isNumber(t: A.DataType): boolean {
  return A.DataType.isInt(t) || A.DataType.isFloat(t) || A.DataType.isDecimal(t);
}

/** Which Arrow types a column of each SQL type accepts at all; values are still checked one by one. */
function convertible(t: A.DataType, target: SqlType): boolean {
  switch (target.id) {
    case 'BOOLEAN':
      return A.DataType.isBool(t);
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      return isNumber(t);
    case 'VARCHAR':
      return isText(t);
    case 'TIMESTAMP':
      return A.DataType.isTimestamp(t) || A.DataType.isDate(t) || A.DataType.isInt(t) || A.DataType.isFloat(t) || isText(t);
    default:
      return false;
  }
}

function convertColumn(data: A.Data, field: Field, rowBase: number): A.Data {
  const target = field.type;
  const t = data.type;
  if (sameStorage(t, target)) {
    // Share the buffers; a new Data only to carry the engine's exact type (a Timestamp's zone dropped).
    if (data.offset === 0) return exactType(t, target) ? data : retype(data, target);
    if (!A.DataType.isBool(t)) return realign(data, target);
  }
  if (A.DataType.isInt(t) && t.bitWidth === 64 && t.isSigned && target.id === 'TIMESTAMP' && data.offset === 0) {
    if (int64InTimestampRange(data)) return retype(data, target);
  }
  if (!convertible(t, target)) {
    throw badRow(`column "${field.name}": cannot read Arrow ${String(t)} as ${typeToString(target)}`);
  }
  const b = createColumnBuilder(target, data.length);
  const failed = A.DataType.isTimestamp(t) && target.id === 'TIMESTAMP' ? copyTimestamps(data, b) : copyValues(data, target, b);
  if (failed !== undefined) {
    throw badRow(`row ${rowBase + failed.row}: column "${field.name}": ${failed.reason}`);
  }
  return b.finish();
}

/** The same buffers under the engine's Arrow type for `target`. */
function retype(data: A.Data, target: SqlType): A.Data {
  return new A.Data(arrowType(target), 0, data.length, data.nullCount, data.buffers as never);
}

/**
 * Sliced fixed-width or Utf8 data at offset 0. Arrow JS slices value buffers (and offsets) already, only
 * bitmaps keep a bit offset: copy the bitmap, rebase string offsets, share the values.
 */
function realign(data: A.Data, target: SqlType): A.Data {
  const length = data.length;
  let nullBitmap: Uint8Array | undefined;
  if (data.nullCount > 0) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    for (let i = 0; i < length; i++) if (isValid(data, i)) nullBitmap[i >> 3] |= 1 << (i & 7);
  }
  const type = arrowType(target);
  if (A.DataType.isUtf8(type)) {
    const src = data.valueOffsets as Int32Array;
    const base = src[0]!;
    const valueOffsets = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) valueOffsets[i] = src[i]! - base;
    const bytes = (data.values as Uint8Array).subarray(base, src[length]!);
    return A.makeData({ type, length, nullCount: data.nullCount, nullBitmap, valueOffsets, data: bytes });
  }
  return new A.Data(type, 0, length, data.nullCount, [undefined, data.values, nullBitmap] as never);
}

function int64InTimestampRange(data: A.Data): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = readInt64(data, i);
    if (v > MAX_TIMESTAMP_MS || v < -MAX_TIMESTAMP_MS) return false;
  }
  return true;
}

interface Failure {
  row: number;
  reason: string;
}

/** Timestamps of any unit into epoch ms, floored (exact for nanoseconds too, through BigInt). */
function copyTimestamps(data: A.Data, b: ColumnBuilder): Failure | undefined {
  const unit = (data.type as A.Timestamp).unit;
  const values = data.values as BigInt64Array;
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      b.appendNull();
      continue;
    }
    let ms: number;
    if (unit === A.TimeUnit.SECOND) ms = readInt64(data, i) * 1000;
    else if (unit === A.TimeUnit.MILLISECOND) ms = readInt64(data, i);
    else {
      const v = values[i]!;
      const div = unit === A.TimeUnit.MICROSECOND ? 1000n : 1000000n;
      const q = v / div;
      ms = Number(v < 0n && q * div !== v ? q - 1n : q);
    }
    if (!(ms <= MAX_TIMESTAMP_MS && ms >= -MAX_TIMESTAMP_MS)) {
      return { row: i, reason: `expected TIMESTAMP, found ${describeValue(values[i])} ${String(data.type)} (out of range)` };
    }
    b.appendNumber(ms);
  }
  return undefined;
}

/** Value by value through the same conversions pushed rows get; decimals go through their unscaled bigint. */
function copyValues(data: A.Data, target: SqlType, b: ColumnBuilder): Failure | undefined {
  const vector = A.makeVector(data);
  const append = valueAppender(target);
  const decimal = A.DataType.isDecimal(data.type) ? (data.type as A.Decimal) : undefined;
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      b.appendNull();
      continue;
    }
    const v = decimal ? decimalValue(data, i, decimal.scale, target) : vector.get(i);
    const reason = append(b, v);
    if (reason !== undefined) return { row: i, reason };
  }
  return undefined;
}

/** Row i of a Decimal128 column as a value the target's appender takes exactly: text for DECIMAL, else a number or bigint. */
function decimalValue(data: A.Data, i: number, scale: number, target: SqlType): unknown {
  const w = data.values as Uint32Array;
  let u = 0n;
  for (let k = 3; k >= 0; k--) u = (u << 32n) | BigInt(w[4 * i + k]!);
  u = BigInt.asIntN(128, u);
  if (target.id === 'DOUBLE') return Number(u) / 10 ** scale;
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
  const text = `${neg ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  if (target.id === 'DECIMAL') return text;
  // INT / BIGINT: only whole values convert, as for numbers.
  return /\.0*$/.test(text) ? BigInt(text.slice(0, text.indexOf('.'))) : Number(text);
}
