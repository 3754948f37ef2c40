// Value conversion into each column type: accepted forms, DuckDB-style casts, and the reasons for refusals.
import * as A from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decimalTextToUnscaled, valueAppender } from '../../../executor/sources/value-convert.ts';
import { createColumnBuilder, readDecimalUnscaled, readInt64Exact } from '../../../executor/vector/column-builder.ts';
import { BIGINT, BOOLEAN, decimal, DOUBLE, INT, TIMESTAMP, VARCHAR, type SqlType } from '../../../planner/types.ts';

/** The value read back after converting `v`, or the refusal reason. */
function convert(type: SqlType, v: unknown): unknown {
  const b = createColumnBuilder(type);
  const reason = valueAppender(type)(b, v);
  if (reason !== undefined) {
    expect(b.length).toBe(0);
    return { reason };
  }
  const d = b.finish();
  if (d.nullCount === 1) return null;
  if (type.id === 'BIGINT') return readInt64Exact(d, 0);
  if (type.id === 'DECIMAL') return readDecimalUnscaled(d, 0);
  return A.makeVector(d).get(0);
}

describe('value conversion', () => {
  it('null and undefined are NULL for every type', () => {
    for (const t of [INT, BIGINT, DOUBLE, BOOLEAN, VARCHAR, TIMESTAMP, decimal(5, 2)]) {
      expect(convert(t, null)).toBeNull();
      expect(convert(t, undefined)).toBeNull();
    }
  });

  it('INT: integers in 32-bit range, integer text, integral bigints', () => {
    expect(convert(INT, 12)).toBe(12);
    expect(convert(INT, '12')).toBe(12);
    expect(convert(INT, ' -12 ')).toBe(-12);
    expect(convert(INT, 7n)).toBe(7);
    expect(convert(INT, -2147483648)).toBe(-2147483648);
    expect(convert(INT, 3.5)).toEqual({ reason: 'expected INT, found 3.5' });
    expect(convert(INT, 3e9)).toEqual({ reason: 'expected INT, found 3000000000 (out of range)' });
    expect(convert(INT, '2147483648')).toEqual({ reason: 'expected INT, found "2147483648" (out of range)' });
    expect(convert(INT, 'abc')).toEqual({ reason: 'expected INT, found "abc"' });
    expect(convert(INT, '1.5')).toEqual({ reason: 'expected INT, found "1.5"' });
    expect(convert(INT, true)).toEqual({ reason: 'expected INT, found true' });
    expect(convert(INT, [1])).toEqual({ reason: 'expected INT, found an array' });
  });

  it('BIGINT: exact beyond 2^53 from bigints and text', () => {
    expect(convert(BIGINT, 2 ** 40)).toBe(2 ** 40);
    expect(convert(BIGINT, '9007199254740993')).toBe(9007199254740993n);
    expect(convert(BIGINT, 9007199254740993n)).toBe(9007199254740993n);
    expect(convert(BIGINT, '-9223372036854775808')).toBe(-(2n ** 63n));
    expect(convert(BIGINT, 2n ** 63n)).toEqual({ reason: 'expected BIGINT, found 9223372036854775808 (out of range)' });
    expect(convert(BIGINT, 1.5)).toEqual({ reason: 'expected BIGINT, found 1.5' });
    expect(convert(BIGINT, 2 ** 60)).toBe(2n ** 60n);
  });

  it('DOUBLE: numbers, bigints, numeric text', () => {
    expect(convert(DOUBLE, 1.25)).toBe(1.25);
    expect(convert(DOUBLE, '1e3')).toBe(1000);
    expect(convert(DOUBLE, '-.5')).toBe(-0.5);
    expect(convert(DOUBLE, 'inf')).toBe(Infinity);
    expect(convert(DOUBLE, '-Infinity')).toBe(-Infinity);
    expect(convert(DOUBLE, 'NaN')).toBeNaN();
    expect(convert(DOUBLE, 3n)).toBe(3);
    expect(convert(DOUBLE, '0x10')).toEqual({ reason: 'expected DOUBLE, found "0x10"' });
    expect(convert(DOUBLE, '')).toEqual({ reason: 'expected DOUBLE, found ""' });
  });

  it('DECIMAL: rounds half away from zero as DuckDB casts do, checks the precision', () => {
    const d = decimal(5, 2);
    expect(convert(d, 1.5)).toBe(150);
    expect(convert(d, 1.234)).toBe(123);
    expect(convert(d, 1.235)).toBe(124);
    expect(convert(d, 1.005)).toBe(101); // as written, not as its binary approximation 1.00499…
    expect(convert(d, -1.005)).toBe(-101);
    expect(convert(d, '1.235')).toBe(124);
    expect(convert(d, '-1.235')).toBe(-124);
    expect(convert(d, '-1.234')).toBe(-123);
    expect(convert(d, '1e2')).toBe(10000);
    expect(convert(d, '12')).toBe(1200);
    expect(convert(d, 12n)).toBe(1200);
    expect(convert(d, '999.994')).toBe(99999);
    expect(convert(d, '999.995')).toEqual({ reason: 'expected DECIMAL(5, 2), found "999.995" (out of range)' });
    expect(convert(d, 1000)).toEqual({ reason: 'expected DECIMAL(5, 2), found 1000 (out of range)' });
    expect(convert(d, 'x')).toEqual({ reason: 'expected DECIMAL(5, 2), found "x"' });
    expect(convert(d, NaN)).toEqual({ reason: 'expected DECIMAL(5, 2), found NaN' });
    const big = decimal(18, 0);
    const b = createColumnBuilder(big);
    expect(valueAppender(big)(b, '999999999999999999')).toBeUndefined();
    expect(String(A.makeVector(b.finish()).get(0))).toBe('999999999999999999');
  });

  it('decimal text with exponents and many digits', () => {
    expect(decimalTextToUnscaled('1.5e-1', 2)).toBe(15);
    expect(decimalTextToUnscaled('0.0049', 2)).toBe(0);
    expect(decimalTextToUnscaled('0.005', 2)).toBe(1);
    expect(decimalTextToUnscaled('12345678901234567.891', 2)).toBe(1234567890123456789n);
    expect(decimalTextToUnscaled('.', 2)).toBeUndefined();
    expect(decimalTextToUnscaled('1.2.3', 2)).toBeUndefined();
  });

  it('BOOLEAN: booleans, true/false text, 0 and 1', () => {
    expect(convert(BOOLEAN, true)).toBe(true);
    expect(convert(BOOLEAN, 'false')).toBe(false);
    expect(convert(BOOLEAN, 'TRUE')).toBe(true);
    expect(convert(BOOLEAN, 't')).toBe(true);
    expect(convert(BOOLEAN, 0)).toBe(false);
    expect(convert(BOOLEAN, 1)).toBe(true);
    expect(convert(BOOLEAN, 2)).toEqual({ reason: 'expected BOOLEAN, found 2' });
    expect(convert(BOOLEAN, 'yes please')).toEqual({ reason: 'expected BOOLEAN, found "yes please"' });
  });

  it('VARCHAR: strings, stringified scalars, never nested values', () => {
    expect(convert(VARCHAR, 'a')).toBe('a');
    expect(convert(VARCHAR, 12)).toBe('12');
    expect(convert(VARCHAR, false)).toBe('false');
    expect(convert(VARCHAR, 5n)).toBe('5');
    expect(convert(VARCHAR, new Date(0))).toBe('1970-01-01 00:00:00.000');
    expect(convert(VARCHAR, { a: 1 })).toEqual({ reason: 'expected VARCHAR, found an object' });
    expect(convert(VARCHAR, [])).toEqual({ reason: 'expected VARCHAR, found an array' });
  });

  it('TIMESTAMP: text, Dates, epoch ms; a reason with an example otherwise', () => {
    const ms = Date.UTC(2026, 0, 1, 10);
    expect(convert(TIMESTAMP, '2026-01-01 10:00:00')).toBe(ms);
    expect(convert(TIMESTAMP, new Date(ms))).toBe(ms);
    expect(convert(TIMESTAMP, ms)).toBe(ms);
    expect(convert(TIMESTAMP, 'abc')).toEqual({ reason: `expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "abc"` });
    expect(convert(TIMESTAMP, 1e300)).toEqual({
      reason: `expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found 1e+300 (out of range)`,
    });
    expect(convert(TIMESTAMP, 'a'.repeat(60))).toEqual({
      reason: `expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "${'a'.repeat(40)}…"`,
    });
  });
});
