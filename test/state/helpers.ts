// Builds Arrow batches from plain values and reads them back, for the state tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as A from 'apache-arrow';
import { arrowType, makeBatch } from '../../executor/vector/arrow-types.ts';
import type { Schema, SqlType } from '../../planner/types.ts';
import type { StateTable } from '../../state/state-backend.ts';

/**
 * A plain value per SQL type: BOOLEAN boolean, INT and DOUBLE number, BIGINT bigint, DECIMAL the unscaled
 * bigint, VARCHAR string, TIMESTAMP epoch ms as bigint; null is SQL NULL.
 */
export type Value = boolean | number | bigint | string | null;
export type Row = Record<string, Value>;

export function schemaOf(fields: Record<string, SqlType>): Schema {
  return { fields: Object.entries(fields).map(([name, type]) => ({ name, type, nullable: true })) };
}

export function batchOf(schema: Schema, rows: readonly Row[]): A.RecordBatch {
  return makeBatch(
    schema,
    schema.fields.map((f) => columnOf(f.type, rows.map((r) => r[f.name] ?? null))),
    rows.length,
  );
}

export function rowsOf(batch: A.RecordBatch, schema: Schema): Row[] {
  const rows: Row[] = Array.from({ length: batch.numRows }, () => ({}));
  schema.fields.forEach((f, i) => {
    const data = batch.data.children[i]!;
    for (let r = 0; r < batch.numRows; r++) rows[r]![f.name] = valueAt(f.type, data, r);
  });
  return rows;
}

export async function scanRows(table: StateTable, schema: Schema): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of table.scan()) rows.push(...rowsOf(batch, schema));
  return rows;
}

const tempDirs: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-state-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories tempDir() made (call once every backend on them is closed). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

function columnOf(type: SqlType, values: readonly Value[]): A.Data {
  if (type.id === 'DECIMAL') return decimalColumn(type, values as readonly (bigint | null)[]);
  if (type.id === 'TIMESTAMP') {
    const ms = new BigInt64Array(values.map((v) => (v === null ? 0n : BigInt(v as bigint))));
    const type = new A.TimestampMillisecond();
    return A.makeData({ type, length: ms.length, nullCount: nulls(values), nullBitmap: validity(values), data: ms });
  }
  return A.vectorFromArray(values as unknown[], arrowType(type)).data[0]!;
}

function decimalColumn(type: SqlType & { id: 'DECIMAL' }, values: readonly (bigint | null)[]): A.Data {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const u = BigInt.asUintN(128, v ?? 0n);
    for (let w = 0; w < 4; w++) words[4 * i + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  });
  return A.makeData({
    type: new A.Decimal(type.scale, type.precision, 128),
    length: values.length,
    nullCount: nulls(values),
    nullBitmap: validity(values),
    data: words,
  });
}

function nulls(values: readonly Value[]): number {
  return values.filter((v) => v === null).length;
}

function validity(values: readonly Value[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

function valueAt(type: SqlType, data: A.Data, row: number): Value {
  if (!data.getValid(row)) return null;
  switch (type.id) {
    case 'BIGINT':
    case 'TIMESTAMP':
      return (data.values as BigInt64Array)[row]!;
    case 'DECIMAL': {
      const words = data.values as Uint32Array;
      let u = 0n;
      for (let w = 3; w >= 0; w--) u = (u << 32n) | BigInt(words[4 * row + w]!);
      return BigInt.asIntN(128, u);
    }
    default:
      return new A.Vector([data]).get(row) as Value;
  }
}
