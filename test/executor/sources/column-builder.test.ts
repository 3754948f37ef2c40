// Column builders: each SQL type's Arrow layout, nulls, growth, truncation and the int64/decimal readers.
import * as A from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { BIGINT, BOOLEAN, decimal, DOUBLE, INT, TIMESTAMP, VARCHAR } from '../../../planner/types.ts';
import {
  createColumnBuilder,
  isValid,
  readDecimalUnscaled,
  readInt64,
  readInt64Exact,
} from '../../../executor/vector/column-builder.ts';

const values = (d: A.Data) => [...A.makeVector(d)];

describe('column builders', () => {
  it('INT: Int32 values, a bitmap only once there is a null', () => {
    const b = createColumnBuilder(INT, 4);
    b.appendNumber(1);
    b.appendNumber(-7);
    let d = b.finish();
    expect(d.type).toBeInstanceOf(A.Int32);
    expect(d.offset).toBe(0);
    expect(d.nullCount).toBe(0);
    expect(d.nullBitmap?.length ?? 0).toBe(0);
    expect(values(d)).toEqual([1, -7]);

    for (let i = 0; i < 10; i++) b.appendNumber(i);
    b.appendNull();
    b.appendNumber(2147483647);
    d = b.finish();
    expect(d.length).toBe(12);
    expect(d.nullCount).toBe(1);
    expect(values(d)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null, 2147483647]);
  });

  it('BIGINT: safe integers through Int32 words, beyond 2^53 through BigInt', () => {
    const b = createColumnBuilder(BIGINT, 2);
    const nums = [0, -1, 2 ** 32, -(2 ** 32) - 5, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (const n of nums) b.appendNumber(n);
    b.appendBigInt(2n ** 53n + 1n);
    b.appendBigInt(-(2n ** 63n));
    b.appendNull();
    const d = b.finish();
    expect(d.type).toBeInstanceOf(A.Int64);
    const arr = d.values as BigInt64Array;
    expect([...arr.subarray(0, nums.length)]).toEqual(nums.map((n) => BigInt(n)));
    expect(arr[nums.length]).toBe(2n ** 53n + 1n);
    nums.forEach((n, i) => expect(readInt64(d, i)).toBe(n));
    expect(readInt64Exact(d, nums.length)).toBe(2n ** 53n + 1n);
    expect(readInt64(d, nums.length)).toBe(Number(2n ** 53n + 1n));
    expect(readInt64Exact(d, nums.length + 1)).toBe(-(2n ** 63n));
    expect(readInt64Exact(d, 3)).toBe(-(2 ** 32) - 5);
    expect(isValid(d, nums.length + 2)).toBe(false);
    expect(isValid(d, 0)).toBe(true);
  });

  it('DOUBLE and TIMESTAMP', () => {
    const f = createColumnBuilder(DOUBLE);
    f.appendNumber(1.5);
    f.appendNull();
    f.appendNumber(NaN);
    const fd = f.finish();
    expect(fd.type).toBeInstanceOf(A.Float64);
    expect(values(fd)).toEqual([1.5, null, NaN]);

    const t = createColumnBuilder(TIMESTAMP);
    const ms = Date.UTC(2026, 0, 1, 10, 0, 0, 123);
    t.appendNumber(ms);
    t.appendNumber(-1);
    const td = t.finish();
    expect(td.type).toBeInstanceOf(A.TimestampMillisecond);
    expect(values(td)).toEqual([ms, -1]);
    expect(readInt64(td, 1)).toBe(-1);
  });

  it('BOOLEAN: a bit-packed column with nulls', () => {
    const b = createColumnBuilder(BOOLEAN, 3);
    const want: (boolean | null)[] = [];
    for (let i = 0; i < 21; i++) {
      const v = i % 5 === 0 ? null : i % 3 === 0;
      want.push(v);
      if (v === null) b.appendNull();
      else b.appendBoolean(v);
    }
    const d = b.finish();
    expect(d.type).toBeInstanceOf(A.Bool);
    expect(d.nullCount).toBe(5);
    expect(values(d)).toEqual(want);
  });

  it('DECIMAL(p,s): Decimal128 words of the unscaled integer', () => {
    const b = createColumnBuilder(decimal(18, 2));
    b.appendUnscaled(12345);
    b.appendUnscaled(-12345);
    b.appendBigInt(10n ** 17n + 7n);
    b.appendBigInt(-(10n ** 17n));
    b.appendNull();
    b.appendUnscaled(0);
    const d = b.finish();
    expect(d.type).toBeInstanceOf(A.Decimal);
    expect((d.type as A.Decimal).scale).toBe(2);
    expect((d.type as A.Decimal).precision).toBe(18);
    const w = d.values as Uint32Array;
    expect([...w.subarray(0, 8)]).toEqual([12345, 0, 0, 0, 2 ** 32 - 12345, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]);
    expect(readDecimalUnscaled(d, 0)).toBe(12345);
    expect(readDecimalUnscaled(d, 1)).toBe(-12345);
    expect(readDecimalUnscaled(d, 2)).toBe(Number(10n ** 17n + 7n));
    expect(readDecimalUnscaled(d, 3)).toBe(-1e17);
    expect(readDecimalUnscaled(d, 5)).toBe(0);
    expect(isValid(d, 4)).toBe(false);
    // Arrow's own reader agrees on the sign and magnitude.
    expect(String(A.makeVector(d).get(1))).toBe('-12345');
  });

  it('VARCHAR: ASCII, non-ASCII, long strings, raw bytes, empty and null', () => {
    const b = createColumnBuilder(VARCHAR, 2);
    const long = 'x'.repeat(100) + 'é' + 'y'.repeat(50);
    const strs = ['abc', 'héllo 日本 🎉', '', long, 'a'.repeat(64), 'ab'.repeat(40)];
    for (const s of strs) b.appendString(s);
    b.appendNull();
    const bytes = new TextEncoder().encode('--ünï--');
    b.appendBytes(bytes, 2, bytes.length - 2);
    const d = b.finish();
    expect(d.type).toBeInstanceOf(A.Utf8);
    expect(values(d)).toEqual([...strs, null, 'ünï']);
    expect(d.valueOffsets[0]).toBe(0);
  });

  it('grows far past its capacity hint', () => {
    const b = createColumnBuilder(VARCHAR, 1);
    const n = 5000;
    for (let i = 0; i < n; i++) {
      if (i % 100 === 7) b.appendNull();
      else b.appendString(`value-${i}`);
    }
    const d = b.finish();
    expect(d.length).toBe(n);
    expect(d.nullCount).toBe(50);
    const v = A.makeVector(d);
    expect(v.get(4999)).toBe('value-4999');
    expect(v.get(107)).toBeNull();
  });

  it('truncate drops a half-appended row, nulls included', () => {
    const s = createColumnBuilder(VARCHAR);
    const i = createColumnBuilder(INT);
    s.appendString('keep');
    i.appendNumber(1);
    s.appendNull();
    s.truncate(1);
    expect(s.length).toBe(1);
    expect(s.nullCount).toBe(0);
    s.appendString('next');
    i.appendNumber(2);
    const d = s.finish();
    expect(d.nullCount).toBe(0);
    expect(values(d)).toEqual(['keep', 'next']);
    expect(values(i.finish())).toEqual([1, 2]);
  });

  it('finish hands over memory the builder never touches again', () => {
    const b = createColumnBuilder(INT, 4);
    b.appendNumber(1);
    const first = b.finish();
    b.appendNumber(2);
    b.appendNull();
    const second = b.finish();
    expect(values(first)).toEqual([1]);
    expect(values(second)).toEqual([2, null]);
  });
});
