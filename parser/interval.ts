// Turns interval literals (INTERVAL '10' MINUTE, '1 hour 30 minutes', '00:05:00' HOUR TO SECOND) into milliseconds.
import type { IntervalUnit } from './ast.ts';
import { didYouMean } from './errors.ts';

const UNIT_MS: Record<IntervalUnit, number> = {
  MILLISECOND: 1,
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

/** Units written after the string (`'10' MINUTE`): singular or plural, as Flink and the SQL standard spell them. */
const KEYWORD_UNITS = new Map<string, IntervalUnit>(
  Object.keys(UNIT_MS).flatMap((u) => [
    [u, u as IntervalUnit],
    [u + 'S', u as IntervalUnit],
  ]),
);

/** Units inside the string (`'10 min'`) also take the usual abbreviations (PostgreSQL, RisingWave). */
const STRING_UNITS = new Map<string, IntervalUnit>([
  ...KEYWORD_UNITS,
  ...(['MS', 'MSEC', 'MSECS'] as const).map((a) => [a, 'MILLISECOND'] as const),
  ...(['S', 'SEC', 'SECS'] as const).map((a) => [a, 'SECOND'] as const),
  ...(['M', 'MIN', 'MINS'] as const).map((a) => [a, 'MINUTE'] as const),
  ...(['H', 'HR', 'HRS'] as const).map((a) => [a, 'HOUR'] as const),
  ...(['D'] as const).map((a) => [a, 'DAY'] as const),
]);

/** Units SQL has but a fixed millisecond length cannot express. */
const CALENDAR_UNITS = new Set(['YEAR', 'YEARS', 'MONTH', 'MONTHS']);

/** Range order for `'1 02:30:00' DAY TO SECOND`: a value's fields run from the first unit down to the second. */
type RangeUnit = 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';
const RANGE_ORDER: readonly RangeUnit[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
const FIELD_LIMIT: Partial<Record<IntervalUnit, number>> = { HOUR: 24, MINUTE: 60, SECOND: 60 };

export const VALID_UNITS_HINT =
  'valid units are MILLISECOND, SECOND, MINUTE, HOUR and DAY (singular or plural)';

export type IntervalResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly problem: string; readonly hint: string; readonly at: 'value' | 'unit' | 'toUnit' };

/** Whether a word after an interval string reads as a unit (even one we then reject, like MONTH). */
export function isIntervalUnitWord(word: string): boolean {
  const w = word.toUpperCase();
  return KEYWORD_UNITS.has(w) || CALENDAR_UNITS.has(w);
}

/** Whether a string literal (with its quotes) names its own unit, as in '10 minutes' or '00:05:00'. */
export function hasUnitInside(literal: string): boolean {
  return /[a-z:]/i.test(literal);
}

/**
 * The length of `INTERVAL 'value' [unit [TO toUnit]]` in milliseconds. `value` is the string's content
 * (quotes removed); units are as written.
 */
export function intervalMs(value: string, unit?: string, toUnit?: string): IntervalResult {
  if (unit === undefined) return stringInterval(value);
  const from = keywordUnit(unit, 'unit');
  if (!from.ok) return from;
  if (toUnit === undefined) return scaled(value, from.unit, `'${value}' ${unit}`);
  const to = keywordUnit(toUnit, 'toUnit');
  if (!to.ok) return to;
  return rangeInterval(value, from.unit, to.unit);
}

type UnitResult = { readonly ok: true; readonly unit: IntervalUnit } | Extract<IntervalResult, { ok: false }>;

function keywordUnit(word: string, at: 'unit' | 'toUnit'): UnitResult {
  const w = word.toUpperCase();
  const unit = KEYWORD_UNITS.get(w);
  if (unit) return { ok: true, unit };
  if (CALENDAR_UNITS.has(w)) {
    return {
      ok: false,
      at,
      problem: `interval unit ${w} is not supported: months and years have no fixed length`,
      hint: VALID_UNITS_HINT,
    };
  }
  const guess = didYouMean(word, KEYWORD_UNITS.keys());
  return {
    ok: false,
    at,
    problem: `expected an interval unit, found "${word}"`,
    hint: guess ? `did you mean ${guess}? ${VALID_UNITS_HINT}` : VALID_UNITS_HINT,
  };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** `'1.5' SECOND`: a number times a unit, which must come out as whole milliseconds. */
function scaled(value: string, unit: IntervalUnit, written: string): IntervalResult {
  const text = value.trim();
  if (!NUMBER.test(text)) {
    return {
      ok: false,
      at: 'value',
      problem: `expected a number in interval ${written}, found '${value}'`,
      hint: `write INTERVAL '10' ${unit}, or put the unit inside the string: INTERVAL '10 ${unit.toLowerCase()}s'`,
    };
  }
  return wholeMs(Number(text) * UNIT_MS[unit], written);
}

function wholeMs(ms: number, written: string): IntervalResult {
  const rounded = Math.round(ms);
  if (Math.abs(ms - rounded) > 1e-6) {
    return {
      ok: false,
      at: 'value',
      problem: `interval ${written} is not a whole number of milliseconds`,
      hint: 'intervals have millisecond precision',
    };
  }
  return { ok: true, ms: rounded === 0 ? 0 : rounded };
}

/** `'10 minutes'`, `'1 hour 30 minutes'`, `'90s'`, or a bare `'01:30:00'` (hours:minutes[:seconds]). */
function stringInterval(value: string): IntervalResult {
  const text = value.trim();
  const clock = /^([+-]?)(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (clock) return clockInterval(clock, ['HOUR', 'MINUTE', 'SECOND'], `'${value}'`);
  if (NUMBER.test(text)) {
    return {
      ok: false,
      at: 'value',
      problem: `interval '${value}' has no unit`,
      hint: `add one: INTERVAL '${text}' SECOND, or INTERVAL '${text} seconds'`,
    };
  }
  const part = /\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z]+)\s*/iy;
  let ms = 0;
  let parts = 0;
  while (part.lastIndex < text.length) {
    const m = part.exec(text);
    if (!m) break;
    const unit = STRING_UNITS.get(m[2]!.toUpperCase());
    if (!unit) return unknownUnitInString(m[2]!, value);
    ms += Number(m[1]) * UNIT_MS[unit];
    parts++;
  }
  if (parts === 0 || part.lastIndex < text.length) {
    return {
      ok: false,
      at: 'value',
      problem: `expected an interval like '10 minutes' or '1 hour 30 minutes', found '${value}'`,
      hint: VALID_UNITS_HINT,
    };
  }
  return wholeMs(ms, `'${value}'`);
}

function unknownUnitInString(word: string, value: string): IntervalResult {
  const calendar = CALENDAR_UNITS.has(word.toUpperCase());
  const guess = calendar ? undefined : didYouMean(word, [...STRING_UNITS.keys()].map((u) => u.toLowerCase()));
  return {
    ok: false,
    at: 'value',
    problem: calendar
      ? `interval unit "${word}" in '${value}' is not supported: months and years have no fixed length`
      : `expected an interval unit in '${value}', found "${word}"`,
    hint: guess ? `did you mean ${guess}? ${VALID_UNITS_HINT}` : VALID_UNITS_HINT,
  };
}

/** `'00:05:00' HOUR TO SECOND`, `'1 12:00' DAY TO MINUTE`, `'5:30' MINUTE TO SECOND`. */
function rangeInterval(value: string, from: IntervalUnit, to: IntervalUnit): IntervalResult {
  const first = RANGE_ORDER.indexOf(from as RangeUnit);
  const last = RANGE_ORDER.indexOf(to as RangeUnit);
  if (first < 0 || last < 0 || first >= last) {
    return {
      ok: false,
      at: 'toUnit',
      problem: `expected a smaller unit than ${from} after TO, found ${to}`,
      hint: 'ranges run from a larger unit to a smaller one among DAY, HOUR, MINUTE and SECOND, like HOUR TO SECOND',
    };
  }
  const units = RANGE_ORDER.slice(first, last + 1);
  const days = from === 'DAY' ? String.raw`(\d+)\s+` : '';
  const rest = units.slice(from === 'DAY' ? 1 : 0);
  const clockPattern = rest.map((u) => (u === 'SECOND' ? String.raw`(\d+(?:\.\d+)?)` : String.raw`(\d+)`)).join(':');
  const m = new RegExp(`^([+-]?)${days}${clockPattern}$`).exec(value.trim());
  if (!m) {
    const field = { DAY: ['D', '1'], HOUR: ['HH', '01'], MINUTE: ['MM', '30'], SECOND: ['SS', '00'] } as const;
    const show = (i: 0 | 1) => (from === 'DAY' ? field.DAY[i] + ' ' : '') + rest.map((u) => field[u][i]).join(':');
    return {
      ok: false,
      at: 'value',
      problem: `expected '${show(0)}' for an interval ${from} TO ${to}, found '${value}'`,
      hint: `for example INTERVAL '${show(1)}' ${from} TO ${to}`,
    };
  }
  return clockInterval(m, units, `'${value}' ${from} TO ${to}`);
}

/** Sums regex groups (sign first) over the given units; fields after the first must stay in range. */
function clockInterval(m: RegExpExecArray, units: readonly IntervalUnit[], written: string): IntervalResult {
  let ms = 0;
  for (let i = 0; i < units.length; i++) {
    const field = m[i + 2];
    if (field === undefined) continue;
    const n = Number(field);
    const unit = units[i]!;
    const limit = FIELD_LIMIT[unit];
    if (i > 0 && limit !== undefined && n >= limit) {
      return {
        ok: false,
        at: 'value',
        problem: `${unit.toLowerCase()}s must be below ${limit} in interval ${written}, found ${field}`,
        hint: `move the excess into the ${units[i - 1]!.toLowerCase()}s field`,
      };
    }
    ms += n * UNIT_MS[unit];
  }
  return wholeMs(m[1] === '-' ? -ms : ms, written);
}
