// Small helpers over file bytes shared by the JSON and CSV parsers: decoding slices and parsing numbers in place.

/** Node's Buffer slicers, undocumented but stable since Node 0.x: much cheaper per short slice than toString(). */
interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

export function utf8(b: Buffer, start: number, end: number): string {
  return (b as unknown as FastSlices).utf8Slice(start, end);
}

/** Bytes known to be ASCII (number text) as a string. */
export function ascii(b: Buffer, start: number, end: number): string {
  return (b as unknown as FastSlices).latin1Slice(start, end);
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * `-?d+` in `b[s, e)` with at most 15 digits as a number (exact), without making a string; NaN for
 * anything else, so callers fall back to the general text path.
 */
export function parseSmallInteger(b: Uint8Array, s: number, e: number): number {
  const neg = b[s] === 0x2d;
  let p = neg || b[s] === 0x2b ? s + 1 : s;
  if (p === e || e - p > 15) return NaN;
  let v = 0;
  for (; p < e; p++) {
    const d = b[p]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `-?d*.d*` (no exponent) with at most 15 digits as a correctly rounded double: both the digits and the
 * power of ten are exact doubles, so one division rounds once (Clinger's fast path). NaN otherwise.
 */
export function parseSmallDecimal(b: Uint8Array, s: number, e: number): number {
  const neg = b[s] === 0x2d;
  let p = neg || b[s] === 0x2b ? s + 1 : s;
  let v = 0;
  let digits = 0;
  let point = -1;
  for (; p < e; p++) {
    const c = b[p]!;
    if (c === 0x2e && point < 0) {
      point = digits;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
    digits++;
  }
  if (digits === 0 || digits > 15) return NaN;
  const x = point < 0 ? v : v / POW10[digits - point]!;
  return neg ? -x : x;
}
