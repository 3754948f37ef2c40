// Interval literals: every accepted spelling in milliseconds, and the bad-interval errors.
import { describe, expect, test } from 'vitest';
import { intervalMs } from '../../parser/interval.ts';
import { parseExpression } from '../../parser/parse.ts';
import { errorsOf, sql } from './helpers.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const msOf = (text: string) => {
  const e = parseExpression(text);
  if (e.kind !== 'interval') throw new Error(`expected an interval, got ${e.kind}`);
  return e.ms;
};

describe('interval literals', () => {
  test.each([
    [`INTERVAL '10' MINUTE`, 10 * MINUTE],
    [`INTERVAL '10' MINUTES`, 10 * MINUTE],
    [`interval '5' second`, 5 * SECOND],
    [`INTERVAL '5' SECONDS`, 5 * SECOND],
    [`INTERVAL '2' HOUR`, 2 * HOUR],
    [`INTERVAL '3' HOURS`, 3 * HOUR],
    [`INTERVAL '1' DAY`, DAY],
    [`INTERVAL '7' DAYS`, 7 * DAY],
    [`INTERVAL '250' MILLISECOND`, 250],
    [`INTERVAL '250' MILLISECONDS`, 250],
    [`INTERVAL '1.5' SECOND`, 1500],
    [`INTERVAL '-5' SECOND`, -5 * SECOND],
    [`INTERVAL ' 10 ' MINUTE`, 10 * MINUTE],
    [`INTERVAL '10 minutes'`, 10 * MINUTE],
    [`INTERVAL '1 minute'`, MINUTE],
    [`INTERVAL '1 hour 30 minutes'`, HOUR + 30 * MINUTE],
    [`INTERVAL '1 day 2 hours'`, DAY + 2 * HOUR],
    [`INTERVAL '90s'`, 90 * SECOND],
    [`INTERVAL '500 ms'`, 500],
    [`INTERVAL '10 min'`, 10 * MINUTE],
    [`INTERVAL '2 h'`, 2 * HOUR],
    [`INTERVAL '1.5 hours'`, 90 * MINUTE],
    [`INTERVAL '01:30:00'`, 90 * MINUTE],
    [`INTERVAL '00:05:00' HOUR TO SECOND`, 5 * MINUTE],
    [`INTERVAL '00:00:01.250' HOUR TO SECOND`, 1250],
    [`INTERVAL '1:30' HOUR TO MINUTE`, 90 * MINUTE],
    [`INTERVAL '5:30' MINUTE TO SECOND`, 5 * MINUTE + 30 * SECOND],
    [`INTERVAL '1 12' DAY TO HOUR`, DAY + 12 * HOUR],
    [`INTERVAL '1 02:00:30' DAY TO SECOND`, DAY + 2 * HOUR + 30 * SECOND],
    [`INTERVAL '-1:00' HOUR TO MINUTE`, -HOUR],
  ])('%s', (text, ms) => {
    expect(msOf(text)).toBe(ms);
  });

  test('the text is the literal as written', () => {
    expect(parseExpression(`ts - INTERVAL  '5'  second`)).toMatchObject({ right: { text: `INTERVAL  '5'  second` } });
  });

  test('a name after a self-contained interval is an alias, not a unit', () => {
    expect(() => parseExpression(`INTERVAL '10 minutes' x`)).toThrow('the end of the expression');
    expect(msOf(`INTERVAL '10 minutes'`)).toBe(10 * MINUTE);
  });
});

describe('interval errors', () => {
  test('an unknown unit after the string', () => {
    const q = sql`SELECT ts - INTERVAL '5' ${'FORTNIGHT'} FROM t`;
    expect(errorsOf(q.text)).toEqual([
      {
        code: 'bad-interval',
        message: 'expected an interval unit, found "FORTNIGHT"',
        span: q.spans[0],
        hint: 'valid units are MILLISECOND, SECOND, MINUTE, HOUR and DAY (singular or plural)',
      },
    ]);
  });

  test('a near miss gets a suggestion', () => {
    expect(errorsOf(`SELECT INTERVAL '5' MINUTS`)[0]!.hint).toBe(
      'did you mean MINUTE? valid units are MILLISECOND, SECOND, MINUTE, HOUR and DAY (singular or plural)',
    );
  });

  test('months and years have no fixed length', () => {
    expect(errorsOf(`SELECT INTERVAL '1' MONTH`)[0]!.message).toBe(
      'interval unit MONTH is not supported: months and years have no fixed length',
    );
    expect(errorsOf(`SELECT INTERVAL '2 years'`)[0]!.message).toBe(
      `interval unit "years" in '2 years' is not supported: months and years have no fixed length`,
    );
  });

  test('a value without a unit, or a unit inside the string and after it', () => {
    const q = sql`SELECT INTERVAL ${"'10'"} FROM t`;
    expect(errorsOf(q.text)).toEqual([
      {
        code: 'bad-interval',
        message: "interval '10' has no unit",
        span: q.spans[0],
        hint: "add one: INTERVAL '10' SECOND, or INTERVAL '10 seconds'",
      },
    ]);
    expect(errorsOf(`SELECT INTERVAL '10 minutes' MINUTE`)[0]!.message).toBe(
      "expected a number in interval '10 minutes' MINUTE, found '10 minutes'",
    );
  });

  test('unknown units inside the string', () => {
    expect(errorsOf(`SELECT INTERVAL '10 minuts'`)[0]).toMatchObject({
      message: `expected an interval unit in '10 minuts', found "minuts"`,
      hint: 'did you mean minute? valid units are MILLISECOND, SECOND, MINUTE, HOUR and DAY (singular or plural)',
    });
    expect(errorsOf(`SELECT INTERVAL 'soon'`)[0]!.message).toBe(
      "expected an interval like '10 minutes' or '1 hour 30 minutes', found 'soon'",
    );
  });

  test('ranges', () => {
    expect(errorsOf(`SELECT INTERVAL '5' SECOND TO HOUR`)[0]!.message).toBe('expected a smaller unit than SECOND after TO, found HOUR');
    expect(errorsOf(`SELECT INTERVAL '00:05' HOUR TO SECOND`)[0]).toMatchObject({
      message: "expected 'HH:MM:SS' for an interval HOUR TO SECOND, found '00:05'",
      hint: "for example INTERVAL '01:30:00' HOUR TO SECOND",
    });
    expect(errorsOf(`SELECT INTERVAL '1:75' HOUR TO MINUTE`)[0]!.message).toBe(
      "minutes must be below 60 in interval '1:75' HOUR TO MINUTE, found 75",
    );
  });

  test('sub-millisecond values are refused', () => {
    expect(errorsOf(`SELECT INTERVAL '0.5' MILLISECOND`)[0]!.message).toBe(
      "interval '0.5' MILLISECOND is not a whole number of milliseconds",
    );
  });
});

describe('intervalMs', () => {
  test('works on the parts of a literal', () => {
    expect(intervalMs('10', 'minute')).toEqual({ ok: true, ms: 10 * MINUTE });
    expect(intervalMs('10 seconds')).toEqual({ ok: true, ms: 10 * SECOND });
    expect(intervalMs('00:01:00', 'HOUR', 'SECOND')).toEqual({ ok: true, ms: MINUTE });
    expect(intervalMs('1', 'WEEK')).toMatchObject({ ok: false, at: 'unit' });
    expect(intervalMs('1', 'HOUR', 'DAY')).toMatchObject({ ok: false, at: 'toUnit' });
  });
});
