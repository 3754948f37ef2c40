// Batches into the library's rows and changes: every SQL type, NULLs, exact BIGINT, negative values.
import { describe, expect, it } from 'vitest';
import { batchToRows, changesOf, decimalNumbers, scaledText } from '../../../executor/sinks/rows.ts';
import { BIGINT, BOOLEAN, decimal, DOUBLE, INT, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';
import { batchOf, column } from './batches.ts';

const all: Schema = {
  fields: [
    { name: 'b', type: BOOLEAN, nullable: true },
    { name: 'i', type: INT, nullable: true },
    { name: 'l', type: BIGINT, nullable: true },
    { name: 'd', type: DOUBLE, nullable: true },
    { name: 'm', type: decimal(10, 2), nullable: true },
    { name: 's', type: VARCHAR, nullable: true },
    { name: 't', type: TIMESTAMP, nullable: true },
  ],
};
const T = Date.UTC(2026, 0, 1, 10, 0, 1, 250);

describe('batchToRows', () => {
  it('converts every type, with NULL as null', () => {
    const batch = batchOf(all, [
      [true, false, null],
      [7, -3, null],
      [42n, -1n, null],
      [1.5, -0.25, null],
      [1250n, -5n, null],
      ['héllo', '', null],
      [T, -1, null],
    ]);
    expect(batchToRows(batch.data, all)).toEqual([
      { b: true, i: 7, l: 42, d: 1.5, m: 12.5, s: 'héllo', t: new Date(T) },
      { b: false, i: -3, l: -1, d: -0.25, m: -0.05, s: '', t: new Date(-1) },
      { b: null, i: null, l: null, d: null, m: null, s: null, t: null },
    ]);
  });

  it('reads a sliced batch (Arrow keeps bit offsets but narrows value buffers)', () => {
    const batch = batchOf(all, [
      [true, false, null, true],
      [1, 2, null, 4],
      [1n, 2n ** 60n, null, 4n],
      [0.5, 1.5, null, 3.5],
      [1n, 2n, null, 4n],
      ['a', 'bé', null, 'd'],
      [1, 2, null, 4],
    ]);
    const sliced = batch.data.slice(1, 3);
    expect(sliced.data.children[0]!.offset).toBe(1);
    expect(batchToRows(sliced, all)).toEqual([
      { b: false, i: 2, l: 2n ** 60n, d: 1.5, m: 0.02, s: 'bé', t: new Date(2) },
      { b: null, i: null, l: null, d: null, m: null, s: null, t: null },
    ]);
  });

  it('returns BIGINT as a number when safe and as the exact bigint beyond 2^53', () => {
    const schema: Schema = { fields: [{ name: 'l', type: BIGINT, nullable: false }] };
    const big = [2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n];
    const rows = batchToRows(batchOf(schema, [big]).data, schema);
    expect(rows.map((r) => r.l)).toEqual([
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2n ** 53n,
      2n ** 53n + 1n,
      -(2n ** 63n),
      2n ** 63n - 1n,
    ]);
    expect(typeof rows[0]!.l).toBe('number');
    expect(typeof rows[3]!.l).toBe('bigint');
  });

  it('reads negative timestamps (before 1970) as their Date', () => {
    const schema: Schema = { fields: [{ name: 't', type: TIMESTAMP, nullable: false }] };
    const ms = [Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1900, 1, 28), -62135596800000];
    const rows = batchToRows(batchOf(schema, [ms]).data, schema);
    expect(rows.map((r) => (r.t as Date).toISOString())).toEqual([
      '1969-12-31T23:59:59.999Z',
      '1900-02-28T00:00:00.000Z',
      '0001-01-01T00:00:00.000Z',
    ]);
  });

  it('reads decimals, negative and at full precision, as the nearest number', () => {
    const type = decimal(18, 4);
    const unscaled = [-1n, -12345678n, 999999999999999999n, -999999999999999999n, 0n];
    const values = decimalNumbers(column(type, unscaled), 4);
    expect(values).toEqual([-0.0001, -1234.5678, 99999999999999.9999, -99999999999999.9999, 0]);
    expect(scaledText(-999999999999999999n, 4)).toBe('-99999999999999.9999');
    expect(scaledText(-5, 3)).toBe('-0.005');
    expect(scaledText(120, 0)).toBe('120');
  });

  it('reads a 128-bit decimal beyond 64 bits exactly', () => {
    const type = decimal(38, 2);
    const big = -(10n ** 30n) - 7n;
    const values = decimalNumbers(column(type, [big]), 2);
    expect(values[0]).toBe(Number('-10000000000000000000000000000.07'));
  });
});

describe('changesOf', () => {
  it('names each row kind, and rows without ops are inserts', () => {
    const schema: Schema = { fields: [{ name: 'k', type: VARCHAR, nullable: false }, { name: 'n', type: BIGINT, nullable: false }] };
    const updates = batchOf(schema, [['a', 'a', 'b', 'c'], [1, 2, 5, 6]], ['-U', '+U', '+I', '-D']);
    expect(changesOf(updates, schema)).toEqual([
      { op: '-U', row: { k: 'a', n: 1 } },
      { op: '+U', row: { k: 'a', n: 2 } },
      { op: '+I', row: { k: 'b', n: 5 } },
      { op: '-D', row: { k: 'c', n: 6 } },
    ]);
    expect(changesOf(batchOf(schema, [['x'], [3]]), schema)).toEqual([{ op: '+I', row: { k: 'x', n: 3 } }]);
  });
});
