// TIMESTAMP text: the accepted SQL and ISO 8601 forms, range checks, formatting and pushed-value conversion.
import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp, toTimestampMs } from '../../planner/timestamp.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseTimestamp', () => {
  it.each([
    ['2026-01-01 10:00:00', utc(2026, 1, 1, 10)],
    ['2026-01-01T10:00:00', utc(2026, 1, 1, 10)],
    ['2026-01-01T10:00:00Z', utc(2026, 1, 1, 10)],
    ['2026-01-01t10:00:00z', utc(2026, 1, 1, 10)],
    ['2026-01-01', utc(2026, 1, 1)],
    ['2026-01-01 10:00', utc(2026, 1, 1, 10)],
    ['2026-01-01T10:00Z', utc(2026, 1, 1, 10)],
    ['2026-01-01 10:00:01.5', utc(2026, 1, 1, 10, 0, 1, 500)],
    ['2026-01-01 10:00:01.12', utc(2026, 1, 1, 10, 0, 1, 120)],
    ['2026-01-01 10:00:01.123', utc(2026, 1, 1, 10, 0, 1, 123)],
    ['2026-01-01 10:00:01.123999999', utc(2026, 1, 1, 10, 0, 1, 123)],
    ['2026-01-01T10:00:01,250Z', utc(2026, 1, 1, 10, 0, 1, 250)],
    ['2026-01-01T10:00:00+02:00', utc(2026, 1, 1, 8)],
    ['2026-01-01T10:00:00-0530', utc(2026, 1, 1, 15, 30)],
    ['2026-01-01T10:00:00.250+01', utc(2026, 1, 1, 9, 0, 0, 250)],
    ['2026-01-01 00:30:00+01:00', utc(2025, 12, 31, 23, 30)],
    ['  2026-01-01 10:00:00  ', utc(2026, 1, 1, 10)],
    ['2024-02-29 23:59:59.999', utc(2024, 2, 29, 23, 59, 59, 999)],
    ['2000-02-29', utc(2000, 2, 29)],
    ['1969-12-31 23:59:59.999', -1],
    ['1970-01-01 00:00:00', 0],
    ['0001-01-01', Date.parse('0001-01-01T00:00:00Z')], // Date.UTC would read year 1 as 1901
    ['9999-12-31 23:59:59.999', utc(9999, 12, 31, 23, 59, 59, 999)],
  ])('%s', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each([
    '',
    'abc',
    'yesterday',
    '2026-13-01',
    '2026-00-10',
    '2026-01-32',
    '2025-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-01-01 24:00:00',
    '2026-01-01 10:60:00',
    '2026-01-01 10:00:60',
    '2026-1-01',
    '2026-01-1',
    '26-01-01',
    '2026/01/01',
    '2026-01-01X10:00:00',
    '2026-01-01 10',
    '2026-01-01 10:00:00.',
    '2026-01-01 10:00:00.1234567890',
    '2026-01-01 10:00:00+2',
    '2026-01-01 10:00:00+02:0',
    '2026-01-01 10:00:00+25:00',
    '2026-01-01 10:00:00Zjunk',
    '2026-01-01 10:00:00 Z',
    '2026-01-01é',
    '2O26-01-01',
    '20a6-01-01',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('agrees with Date.parse on ISO strings across the calendar', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor((rand() - 0.3) * 2 * 10 ** 13); // about 1336 to 2603
      const iso = new Date(ms).toISOString();
      expect(parseTimestamp(iso)).toBe(ms);
      expect(parseTimestamp(formatTimestamp(ms))).toBe(ms);
    }
  });
});

describe('formatTimestamp', () => {
  it.each([
    [0, '1970-01-01 00:00:00.000'],
    [-1, '1969-12-31 23:59:59.999'],
    [utc(2026, 1, 1, 10, 0, 5, 7), '2026-01-01 10:00:05.007'],
    [utc(2024, 2, 29, 23, 59, 59, 999), '2024-02-29 23:59:59.999'],
    [utc(2000, 3, 1), '2000-03-01 00:00:00.000'],
  ])('%d → %s', (ms, text) => {
    expect(formatTimestamp(ms)).toBe(text);
  });
});

describe('toTimestampMs', () => {
  it('accepts Dates, epoch-ms numbers and bigints, and timestamp text', () => {
    const ms = utc(2026, 1, 1, 10);
    expect(toTimestampMs(new Date(ms))).toBe(ms);
    expect(toTimestampMs(ms)).toBe(ms);
    expect(toTimestampMs(ms + 0.9)).toBe(ms);
    expect(toTimestampMs(-0.5)).toBe(-1);
    expect(toTimestampMs(BigInt(ms))).toBe(ms);
    expect(toTimestampMs('2026-01-01 10:00:00')).toBe(ms);
  });

  it('refuses anything else, and times a Date cannot hold', () => {
    expect(toTimestampMs('1767261600000')).toBeUndefined(); // numeric text is not epoch ms
    expect(toTimestampMs(new Date(NaN))).toBeUndefined();
    expect(toTimestampMs(NaN)).toBeUndefined();
    expect(toTimestampMs(Infinity)).toBeUndefined();
    expect(toTimestampMs(1e20)).toBeUndefined();
    expect(toTimestampMs(10n ** 20n)).toBeUndefined();
    expect(toTimestampMs(true)).toBeUndefined();
    expect(toTimestampMs({})).toBeUndefined();
    expect(toTimestampMs(null)).toBeUndefined();
  });
});
