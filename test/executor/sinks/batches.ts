// Builds sink test batches from JS values, writing each SQL type's Arrow storage by hand (null = SQL NULL).
import * as A from 'apache-arrow';
import type { StreamBatch } from '../../../executor/batch.ts';
import { makeBatch } from '../../../executor/vector/arrow-types.ts';
import { utf8Data, validityBitmap } from '../../../executor/vector/columns.ts';
import type { Schema, SqlType } from '../../../planner/types.ts';

type Value = number | bigint | string | boolean | null;

/** One Arrow column of `type`: BIGINT takes bigints or numbers, DECIMAL unscaled bigints, TIMESTAMP epoch ms. */
export function column(type: SqlType, values: readonly Value[]): A.Data {
  const n = values.length;
  const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
  const { bitmap, nullCount } = validityBitmap(nulls, n);
  const make = (t: A.DataType, data: ArrayBufferView) =>
    A.makeData({ type: t, length: n, nullCount, nullBitmap: bitmap, data } as never) as A.Data;
  switch (type.id) {
    case 'BOOLEAN': {
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      values.forEach((v, i) => v && (bits[i >> 3] |= 1 << (i & 7)));
      return make(new A.Bool(), bits);
    }
    case 'INT':
      return make(new A.Int32(), Int32Array.from(values, (v) => Number(v ?? 0)));
    case 'DOUBLE':
      return make(new A.Float64(), Float64Array.from(values, (v) => Number(v ?? 0)));
    case 'BIGINT':
      return make(new A.Int64(), BigInt64Array.from(values, (v) => BigInt(v ?? 0)));
    case 'TIMESTAMP':
      return make(new A.TimestampMillisecond(), BigInt64Array.from(values, (v) => BigInt(v ?? 0)));
    case 'DECIMAL': {
      const words = new Uint32Array(n * 4);
      values.forEach((v, i) => {
        const u = BigInt.asUintN(128, BigInt(v ?? 0));
        for (let w = 0; w < 4; w++) words[4 * i + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
      });
      return make(new A.Decimal(type.scale, type.precision, 128), words);
    }
    case 'VARCHAR':
      return utf8Data(values.map((v) => (v === null ? '' : String(v))), nulls, n);
    default:
      throw new Error(`no test column for ${type.id}`);
  }
}

/** A StreamBatch of `schema` from columns of values; `ops` as names ('+I', '-U', '+U', '-D'). */
export function batchOf(schema: Schema, columns: readonly (readonly Value[])[], ops?: readonly string[]): StreamBatch {
  const n = columns[0]?.length ?? ops?.length ?? 0;
  const data = makeBatch(
    schema,
    schema.fields.map((f, c) => column(f.type, columns[c]!)),
    n,
  );
  if (!ops) return { data };
  return { data, ops: Uint8Array.from(ops, (op) => ['+I', '-U', '+U', '-D'].indexOf(op)) };
}
