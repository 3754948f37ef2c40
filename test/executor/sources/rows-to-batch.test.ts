// Pushed input into batches: plain rows (all or nothing, precise errors) and Arrow data (zero copy or converted).
import * as A from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowToBatches, rowsToBatch } from '../../../executor/sources/rows-to-batch.ts';
import { makeBatch } from '../../../executor/vector/arrow-types.ts';
import { TidemarkError } from '../../../parser/errors.ts';
import { BIGINT, decimal, DOUBLE, INT, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';

const clicks: Schema = {
  fields: [
    { name: 'user_id', type: VARCHAR, nullable: true },
    { name: 'n', type: INT, nullable: true },
    { name: 'event_time', type: TIMESTAMP, nullable: true },
  ],
};
const required = { required: ['event_time'] };
const T0 = Date.UTC(2026, 0, 1, 10);

function rows(batch: A.RecordBatch): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, unknown> = {};
    batch.schema.fields.forEach((f, c) => (row[f.name] = batch.getChildAt(c)!.get(r)));
    out.push(row);
  }
  return out;
}

function errorOf(f: () => unknown): TidemarkError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TidemarkError);
    return e as TidemarkError;
  }
  throw new Error('expected a TidemarkError');
}

describe('rowsToBatch', () => {
  it('builds every column from properties by name; extra ones ignored, missing ones NULL', () => {
    const batch = rowsToBatch(
      [
        { user_id: 'a', n: 1, event_time: '2026-01-01 10:00:00', extra: { x: 1 } },
        { event_time: new Date(T0 + 1000), N: '2' },
        { user_id: null, event_time: T0 + 2000 },
      ],
      clicks,
      required,
    );
    expect(batch.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      'user_id: Utf8',
      'n: Int32',
      'event_time: Timestamp<MILLISECOND>',
    ]);
    expect(rows(batch)).toEqual([
      { user_id: 'a', n: 1, event_time: T0 },
      { user_id: null, n: 2, event_time: T0 + 1000 },
      { user_id: null, n: null, event_time: T0 + 2000 },
    ]);
  });

  it('names the row, column and reason of a bad value, and accepts nothing', () => {
    const e = errorOf(() =>
      rowsToBatch(
        [
          { user_id: 'a', event_time: T0 },
          { user_id: 'b', event_time: 'abc' },
        ],
        clicks,
        required,
      ),
    );
    expect(e.code).toBe('bad-row');
    expect(e.summary).toBe(`row 1: column "event_time": expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "abc"`);
    expect(errorOf(() => rowsToBatch([{ n: 3.5, event_time: T0 }], clicks)).summary).toBe(
      'row 0: column "n": expected INT, found 3.5',
    );
  });

  it('refuses NULL or a missing value in a required column, and non-objects', () => {
    expect(errorOf(() => rowsToBatch([{ user_id: 'a', event_time: T0 }, { user_id: 'b' }], clicks, required)).summary).toBe(
      'row 1: column "event_time": expected a value (the column must not be NULL), found none',
    );
    expect(errorOf(() => rowsToBatch([{ event_time: null }], clicks, required)).summary).toBe(
      'row 0: column "event_time": expected a value (the column must not be NULL), found NULL',
    );
    expect(errorOf(() => rowsToBatch([5 as unknown as object], clicks)).summary).toBe(
      "row 0: expected an object with the table's columns, found 5",
    );
    const notNull: Schema = { fields: [{ name: 'k', type: BIGINT, nullable: false }] };
    expect(errorOf(() => rowsToBatch([{}], notNull)).summary).toMatch(/^row 0: column "k": expected a value/);
  });

  it('an empty push is an empty batch', () => {
    const batch = rowsToBatch([], clicks);
    expect(batch.numRows).toBe(0);
    expect(batch.numCols).toBe(3);
  });
});

describe('arrowToBatches', () => {
  const schema: Schema = {
    fields: [
      { name: 'k', type: INT, nullable: true },
      { name: 'v', type: DOUBLE, nullable: true },
      { name: 's', type: VARCHAR, nullable: true },
      { name: 'ts', type: TIMESTAMP, nullable: false },
    ],
  };

  function userBatch(columns: Record<string, A.Data>): A.RecordBatch {
    const fields = Object.entries(columns).map(([n, d]) => new A.Field(n, d.type, true));
    const length = Object.values(columns)[0]!.length;
    return makeBatch(new A.Schema(fields), Object.values(columns), length);
  }
  const ts = (ms: number[]) => A.makeData({ type: new A.TimestampMillisecond(), data: BigInt64Array.from(ms.map(BigInt)) });

  it('uses columns of the exact type without copying, matched by name in any order', () => {
    const k = A.makeData({ type: new A.Int32(), data: new Int32Array([1, 2, 3]) });
    const v = A.makeData({ type: new A.Float64(), data: new Float64Array([0.5, 1.5, 2.5]) });
    const s = A.vectorFromArray(['a', 'b', 'c'], new A.Utf8()).data[0]!;
    const t = ts([T0, T0 + 1, T0 + 2]);
    const [out] = arrowToBatches(userBatch({ ts: t, extra: k, s, v, K: k }), schema);
    const children = out!.data.children;
    expect(children[0]).toBe(k);
    expect(children[1]).toBe(v);
    expect(children[2]).toBe(s);
    expect(children[3]).toBe(t);
    expect(children[3]!.values.buffer).toBe(t.values.buffer);
    expect(rows(out!)[2]).toEqual({ k: 3, v: 2.5, s: 'c', ts: T0 + 2 });
  });

  it('shares buffers when only the type object differs (zoned timestamps, Int64 epoch ms)', () => {
    const zoned = A.makeData({ type: new A.TimestampMillisecond('UTC'), data: new BigInt64Array([BigInt(T0)]) });
    const [a] = arrowToBatches(userBatch({ ts: zoned }), schema);
    expect(a!.data.children[3]!.values.buffer).toBe(zoned.values.buffer);
    expect(a!.schema.fields[3]!.type.toString()).toBe('Timestamp<MILLISECOND>');
    const epoch = A.makeData({ type: new A.Int64(), data: new BigInt64Array([BigInt(T0)]) });
    const [b] = arrowToBatches(userBatch({ ts: epoch }), schema);
    expect(b!.data.children[3]!.values.buffer).toBe(epoch.values.buffer);
    expect(rows(b!)[0]!.ts).toBe(T0);
  });

  it('fills a missing nullable column with NULL and refuses a missing required one', () => {
    const [out] = arrowToBatches(userBatch({ ts: ts([T0, T0]) }), schema);
    expect(rows(out!)).toEqual([
      { k: null, v: null, s: null, ts: T0 },
      { k: null, v: null, s: null, ts: T0 },
    ]);
    const k = A.makeData({ type: new A.Int32(), data: new Int32Array([1]) });
    const e = errorOf(() => arrowToBatches(userBatch({ k }), schema));
    expect(e.code).toBe('bad-row');
    expect(e.summary).toBe('column "ts" is missing from the pushed Arrow data, and it must not be NULL');
  });

  it('converts numbers, timestamp units, epoch-ms doubles and dictionary strings', () => {
    const k = A.makeData({ type: new A.Int64(), data: new BigInt64Array([7n, -8n]) });
    const v = A.makeData({ type: new A.Int32(), data: new Int32Array([1, 2]) });
    const s = A.vectorFromArray(['x', 'y']).data[0]!; // Dictionary<Int32, Utf8>
    expect(A.DataType.isDictionary(s.type)).toBe(true);
    const t = A.makeData({ type: new A.Float64(), data: new Float64Array([T0 + 0.7, T0 + 5]) });
    const [out] = arrowToBatches(userBatch({ k, v, s, ts: t }), schema);
    expect(rows(out!)).toEqual([
      { k: 7, v: 1, s: 'x', ts: T0 },
      { k: -8, v: 2, s: 'y', ts: T0 + 5 },
    ]);
    expect(out!.schema.fields.map((f) => String(f.type))).toEqual(['Int32', 'Float64', 'Utf8', 'Timestamp<MILLISECOND>']);

    const units: [A.DataType, bigint[], number[]][] = [
      [new A.TimestampSecond(), [1767261600n, -1n], [T0, -1000]],
      [new A.TimestampMicrosecond(), [1767261600123456n, -1n], [T0 + 123, -1]],
      [new A.TimestampNanosecond(), [1767261600123456789n, -1n], [T0 + 123, -1]],
    ];
    for (const [type, data, want] of units) {
      const d = A.makeData({ type: type as A.TimestampSecond, data: BigInt64Array.from(data) });
      const [b] = arrowToBatches(userBatch({ ts: d }), schema);
      expect(rows(b!).map((r) => r.ts)).toEqual(want);
    }
  });

  it('copies sliced input to offset 0, nulls included', () => {
    const k = A.makeData({
      type: new A.Int32(),
      data: new Int32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      nullBitmap: new Uint8Array([0b11011111, 0b11]),
    });
    const s = A.vectorFromArray(['a', 'b', 'c', null, 'e', 'f', 'g', 'h', 'i', 'j'], new A.Utf8()).data[0]!;
    const t = ts([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sliced = userBatch({ k, s, ts: t }).slice(3, 8);
    const [out] = arrowToBatches(sliced, schema);
    for (const child of out!.data.children) expect(child.offset).toBe(0);
    expect(rows(out!).map((r) => [r.k, r.s, r.ts])).toEqual([
      [3, null, 3],
      [4, 'e', 4],
      [null, 'f', 5],
      [6, 'g', 6],
      [7, 'h', 7],
    ]);
    expect(out!.data.children[2]!.valueOffsets[0]).toBe(0);
  });

  it('reports values that do not fit with their row across a table, and incompatible types', () => {
    const batch = (v: number[]) =>
      userBatch({ k: A.makeData({ type: new A.Float64(), data: new Float64Array(v) }), ts: ts(v.map(() => T0)) });
    const table = new A.Table([batch([1, 2]), batch([3, 4.5])]);
    expect(errorOf(() => arrowToBatches(table, schema)).summary).toBe('row 3: column "k": expected INT, found 4.5');
    const bool = A.makeData({ type: new A.Bool(), data: new Uint8Array([1]), length: 1 });
    expect(errorOf(() => arrowToBatches(userBatch({ ts: bool }), schema)).summary).toBe(
      'column "ts": cannot read Arrow Bool as TIMESTAMP(3)',
    );
    const withNull = A.makeData({ type: new A.TimestampMillisecond(), data: new BigInt64Array(2), nullBitmap: new Uint8Array([1]) });
    expect(errorOf(() => arrowToBatches(userBatch({ ts: withNull }), schema)).summary).toBe(
      'row 1: column "ts": expected a value (the column must not be NULL), found NULL',
    );
    const [ok] = arrowToBatches(table.slice(0, 2), schema);
    expect(ok!.numRows).toBe(2);
  });

  it('rescales decimals', () => {
    const dschema: Schema = { fields: [{ name: 'd', type: decimal(10, 2), nullable: true }] };
    const d = A.makeData({ type: new A.Decimal(3, 12, 128), data: new Uint32Array([12345, 0, 0, 0]) }); // 12.345
    const [out] = arrowToBatches(userBatch({ d }), dschema);
    expect(String(out!.getChildAt(0)!.get(0))).toBe('1235'); // 12.35, rounded half away from zero
  });
});
