// Converts one JS value (a pushed row's property, a JSON.parse result, a CSV field's text) into a column builder.
import { assertNever, InternalError } from '../../parser/errors.ts';
import { typeToString, type SqlType } from '../../planner/types.ts';
import type { ColumnBuilder } from '../vector/column-builder.ts';
import { formatTimestamp, parseTimestamp, toTimestampMs } from '../../planner/timestamp.ts';

/**
 * Appends `value` to `builder` and returns undefined, or appends nothing and returns why the value does
 * not fit (`expected INT, found 3.5`). `null` and `undefined` append NULL: whether NULL is allowed is the
 * caller's rule. Returning the reason instead of throwing keeps the per-value hot path free of try/catch.
 */
export type ValueAppender = (builder: ColumnBuilder, value: unknown) => string | undefined;

/** The appender for one column type; pick it once per column, call it per value. */
export function valueAppender(type: SqlType): ValueAppender {
  switch (type.id) {
    case 'BOOLEAN':
      return appendBoolean;
    case 'INT':
      return appendInt;
    case 'BIGINT':
      return appendBigint;
    case 'DOUBLE':
      return appendDouble;
    case 'DECIMAL':
      return decimalAppender(type.precision, type.scale);
    case 'VARCHAR':
      return appendVarchar;
    case 'TIMESTAMP':
      return appendTimestamp;
    case 'INTERVAL':
    case 'NULL':
      throw new InternalError(`no value conversion into ${type.id}`);
    default:
      return assertNever(type);
  }
}

/** How a value is named in "found …": strings quoted (and shortened), objects by kind. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'object':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid Date' : `a Date`;
      return Array.isArray(v) ? 'an array' : 'an object';
    default:
      return `a ${typeof v}`;
  }
}

function expected(type: string, v: unknown, note = ''): string {
  return `expected ${type}, found ${describeValue(v)}${note}`;
}

const OUT_OF_RANGE = ' (out of range)';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** An integer string as a number when short enough to be exact, else as a bigint; undefined if not one. */
function parseIntegerText(s: string): number | bigint | undefined {
  if (!INTEGER_TEXT.test(s)) return undefined;
  const t = s.trim();
  const n = Number(t);
  // Below 2^53 Number() is exact; from 2^53 on (never "safe") only BigInt keeps every digit.
  return Number.isSafeInteger(n) ? n : BigInt(t);
}

function appendInt(b: ColumnBuilder, v: unknown): string | undefined {
  if (typeof v === 'number') {
    if ((v | 0) === v) {
      b.appendNumber(v);
      return undefined;
    }
    return expected('INT', v, Number.isInteger(v) ? OUT_OF_RANGE : '');
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  const n = typeof v === 'bigint' ? v : typeof v === 'string' ? parseIntegerText(v) : undefined;
  if (n === undefined) return expected('INT', v);
  if (n < -2147483648 || n > 2147483647) return expected('INT', v, OUT_OF_RANGE);
  b.appendNumber(Number(n));
  return undefined;
}

function appendBigint(b: ColumnBuilder, v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    b.appendNumber(v);
    return undefined;
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  let n: number | bigint | undefined;
  if (typeof v === 'number') n = Number.isInteger(v) ? BigInt(v) : undefined;
  else if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string') n = parseIntegerText(v);
  if (n === undefined) return expected('BIGINT', v);
  if (typeof n === 'number') b.appendNumber(n);
  else if (n < INT64_MIN || n > INT64_MAX) return expected('BIGINT', v, OUT_OF_RANGE);
  else b.appendBigInt(n);
  return undefined;
}

function appendDouble(b: ColumnBuilder, v: unknown): string | undefined {
  if (typeof v === 'number') {
    b.appendNumber(v);
    return undefined;
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  let n: number | undefined;
  if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string') n = parseDoubleText(v);
  if (n === undefined) return expected('DOUBLE', v);
  b.appendNumber(n);
  return undefined;
}

/** Decimal or scientific text, or NaN / Infinity / inf (any case, with a sign), as DuckDB casts accept. */
export function parseDoubleText(s: string): number | undefined {
  if (FLOAT_TEXT.test(s)) return Number(s);
  const t = s.trim().toLowerCase();
  const body = t.startsWith('-') || t.startsWith('+') ? t.slice(1) : t;
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return t.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

const BOOLEAN_TEXT: Record<string, boolean> = { true: true, false: false, t: true, f: false, '1': true, '0': false };

function appendBoolean(b: ColumnBuilder, v: unknown): string | undefined {
  if (typeof v === 'boolean') {
    b.appendBoolean(v);
    return undefined;
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  let x: boolean | undefined;
  if (typeof v === 'string') x = BOOLEAN_TEXT[v.trim().toLowerCase()];
  else if (v === 0 || v === 1) x = v === 1;
  if (x === undefined) return expected('BOOLEAN', v);
  b.appendBoolean(x);
  return undefined;
}

function appendVarchar(b: ColumnBuilder, v: unknown): string | undefined {
  if (typeof v === 'string') {
    b.appendString(v);
    return undefined;
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') b.appendString(String(v));
  else if (v instanceof Date && !Number.isNaN(v.getTime())) b.appendString(formatTimestamp(v.getTime()));
  else return expected('VARCHAR', v);
  return undefined;
}

const TIMESTAMP_EXPECTED = "TIMESTAMP (e.g. '2026-01-01 10:00:00')";

function appendTimestamp(b: ColumnBuilder, v: unknown): string | undefined {
  const ms = typeof v === 'string' ? parseTimestamp(v) : toTimestampMs(v);
  if (ms !== undefined) {
    b.appendNumber(ms);
    return undefined;
  }
  if (v === null || v === undefined) {
    b.appendNull();
    return undefined;
  }
  const outOfRange = (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint';
  return expected(TIMESTAMP_EXPECTED, v, outOfRange ? OUT_OF_RANGE : '');
}

/**
 * DECIMAL(p, s): more fractional digits than the scale are rounded half away from zero, as DuckDB casts
 * do ('1.235' → 1.24, '-1.235' → -1.24) and Flink's HALF_UP; a value needing more than p digits is
 * out of range. Numbers are rounded as the decimal text they print as, so 1.005 becomes 1.01 as
 * written, not 1.00 as its binary approximation would.
 */
function decimalAppender(precision: number, scale: number): ValueAppender {
  const name = typeToString({ id: 'DECIMAL', precision, scale });
  const factor = 10 ** scale;
  const limit = 10 ** precision; // exact as a double for precision ≤ 22
  const bigFactor = 10n ** BigInt(scale);
  const bigLimit = 10n ** BigInt(precision);
  const fromText = (s: string): number | bigint | undefined => decimalTextToUnscaled(s, scale);
  return (b, v) => {
    if (v === null || v === undefined) {
      b.appendNull();
      return undefined;
    }
    let u: number | bigint | undefined;
    if (typeof v === 'number') u = Number.isFinite(v) ? numberToUnscaled(v, factor, fromText) : undefined;
    else if (typeof v === 'bigint') u = v * bigFactor;
    else if (typeof v === 'string') u = fromText(v);
    if (u === undefined) return expected(name, v);
    if (typeof u === 'number') {
      if (!(u < limit && u > -limit)) return expected(name, v, OUT_OF_RANGE);
      b.appendUnscaled(u);
    } else {
      if (u >= bigLimit || u <= -bigLimit) return expected(name, v, OUT_OF_RANGE);
      b.appendBigInt(u);
    }
    return undefined;
  };
}

function numberToUnscaled(v: number, factor: number, fromText: (s: string) => number | bigint | undefined) {
  const x = v * factor;
  const ax = Math.abs(x);
  // Beyond 2^53 every double is an integer: exact, nothing to round.
  if (ax >= 2 ** 53) return BigInt(x);
  const frac = ax - Math.floor(ax);
  // Near a tie the product's rounding error could decide the result: round the printed decimal instead.
  if (Math.abs(frac - 0.5) <= ax * 1e-15) return fromText(String(v));
  const r = Math.floor(ax + 0.5);
  return x < 0 ? -r : r;
}

const DECIMAL_TEXT = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Decimal text (optionally with an exponent) as its unscaled integer at `scale`, rounded half away from zero. */
export function decimalTextToUnscaled(s: string, scale: number): number | bigint | undefined {
  const m = DECIMAL_TEXT.exec(s);
  if (m === null) return undefined;
  let int = m[2] ?? '';
  let frac = m[3] ?? '';
  if (int.length + frac.length === 0) return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (exp !== 0) {
    if (Math.abs(exp) > 400) return undefined;
    const all = int + frac;
    const point = int.length + exp;
    int = point <= 0 ? '' : all.slice(0, point).padEnd(point, '0');
    frac = point >= all.length ? '' : point < 0 ? '0'.repeat(-point) + all : all.slice(point);
  }
  const digits = (int + frac.slice(0, scale).padEnd(scale, '0')).replace(/^0+/, '');
  const roundUp = frac.length > scale && frac.charCodeAt(scale) >= 0x35; // '5'
  const negative = m[1] === '-';
  if (digits.length <= 15) {
    const u = Number(digits) + (roundUp ? 1 : 0);
    return negative ? -u : u;
  }
  const u = BigInt(digits) + (roundUp ? 1n : 0n);
  return negative ? -u : u;
}

/** Why a missing (`undefined`) or `null` value is refused in a column that must not be NULL. */
export function nullReason(v: null | undefined): string {
  return v === undefined ? 'expected a value (the column must not be NULL), found none' : 'expected a value (the column must not be NULL), found NULL';
}

/**
 * The property whose name equals `name` ignoring case, for a row whose exact-name property is undefined
 * (SQL names are case-insensitive; JSON keys are not). Undefined when there is none.
 */
export function lookupProperty(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return undefined;
  const lower = name.toLowerCase();
  for (const k in obj) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}
