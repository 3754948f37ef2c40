// Reads and writes TIMESTAMP(3) text (SQL and ISO 8601 forms) as epoch milliseconds UTC, without Date.parse.

/** The range of a JS Date (±100,000,000 days), so every accepted timestamp comes back as a valid Date. */
export const MAX_TIMESTAMP_MS = 8.64e15;

const MS_PER_DAY = 86_400_000;
const scratch = new Uint8Array(64);

/**
 * Epoch ms (UTC) of `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f…]]` or `YYYY-MM-DDTHH:MM[:SS[.f…]]`, optionally
 * followed by `Z`, `±HH`, `±HH:MM` or `±HHMM`; no offset means UTC. Up to 9 fraction digits, truncated to
 * milliseconds. Surrounding spaces are ignored. Undefined when the text is not one of these forms or a
 * field is out of range (month 13, February 30, hour 24, …).
 */
export function parseTimestamp(text: string): number | undefined {
  const n = text.length;
  if (n > scratch.length) return undefined;
  // One fixed-format parser over bytes serves both JS strings and CSV buffers; copying ~25 chars is cheap.
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    scratch[i] = c;
  }
  return parseTimestampBytes(scratch, 0, n);
}

/** parseTimestamp over ASCII bytes `b[start, end)`, e.g. a CSV field in the file buffer. */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number): number | undefined {
  while (start < end && b[start] === 0x20) start++;
  while (end > start && b[end - 1] === 0x20) end--;
  if (end - start < 10 || b[start + 4] !== 0x2d || b[start + 7] !== 0x2d) return undefined;
  const century = digits2(b, start);
  const yy = digits2(b, start + 2);
  const year = century * 100 + yy;
  const month = digits2(b, start + 5);
  const day = digits2(b, start + 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  let p = start + 10;
  if (p === end) return ms;

  const sep = b[p];
  if (sep !== 0x20 && sep !== 0x54 && sep !== 0x74) return undefined; // ' ', 'T', 't'
  if (end - p < 6 || b[p + 3] !== 0x3a) return undefined;
  const hour = digits2(b, p + 1);
  const minute = digits2(b, p + 4);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  p += 6;
  let second = 0;
  let millis = 0;
  if (p < end && b[p] === 0x3a) {
    if (end - p < 3) return undefined;
    second = digits2(b, p + 1);
    if (second < 0 || second > 59) return undefined;
    p += 3;
    if (p < end && (b[p] === 0x2e || b[p] === 0x2c)) {
      const f = parseFraction(b, p + 1, end);
      if (f < 0) return undefined;
      millis = f % 1000;
      p = Math.floor(f / 1000);
    }
  }
  ms += hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
  if (p === end) return ms;
  const offset = parseOffset(b, p, end);
  return offset === undefined ? undefined : ms - offset * 60_000;
}

/** Milliseconds of `.f{1,9}` packed with the position after it (pos × 1000 + ms); -1 if malformed. */
function parseFraction(b: Uint8Array, p: number, end: number): number {
  let count = 0;
  let ms = 0;
  while (p < end) {
    const d = b[p]! - 48;
    if (d < 0 || d > 9) break;
    if (count < 3) ms = ms * 10 + d;
    count++;
    p++;
  }
  if (count === 0 || count > 9) return -1;
  for (let k = count; k < 3; k++) ms *= 10;
  return p * 1000 + ms;
}

/** Minutes east of UTC for `Z`, `±HH`, `±HH:MM` or `±HHMM` filling `b[p, end)`; undefined otherwise. */
function parseOffset(b: Uint8Array, p: number, end: number): number | undefined {
  const c = b[p];
  if (c === 0x5a || c === 0x7a) return p + 1 === end ? 0 : undefined; // 'Z', 'z'
  if (c !== 0x2b && c !== 0x2d) return undefined; // '+', '-'
  const sign = c === 0x2b ? 1 : -1;
  const len = end - p - 1;
  let minute = 0;
  if (len === 5 && b[p + 3] === 0x3a) minute = digits2(b, p + 4);
  else if (len === 4) minute = digits2(b, p + 3);
  else if (len !== 2) return undefined;
  const hour = digits2(b, p + 1);
  if (hour < 0 || hour > 18 || minute < 0 || minute > 59) return undefined;
  return sign * (hour * 60 + minute);
}

/** Two ASCII digits as a number, or -1 (which every range check rejects). */
function digits2(b: Uint8Array, p: number): number {
  const a = b[p]! - 48;
  const c = b[p + 1]! - 48;
  if (a < 0 || a > 9 || c < 0 || c > 9) return -1;
  return a * 10 + c;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms as `YYYY-MM-DD HH:MM:SS.fff` (UTC), the form the CLI writes timestamps in (SPEC §5). */
export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rem = ms - days * MS_PER_DAY;
  // civil_from_days, the inverse of daysFromCivil.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rem / 3_600_000);
  rem -= hour * 3_600_000;
  const minute = Math.floor(rem / 60_000);
  rem -= minute * 60_000;
  const second = Math.floor(rem / 1000);
  const millis = rem - second * 1000;
  const y = year < 0 ? '-' + pad(-year, 4) : pad(year, 4);
  return `${y}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(millis, 3)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A pushed TIMESTAMP value as epoch ms (SPEC §4): a Date, a finite number of epoch ms (a fraction is
 * floored to the millisecond), a bigint of epoch ms, or text for parseTimestamp. Undefined otherwise.
 */
export function toTimestampMs(value: unknown): number | undefined {
  let ms: number;
  if (typeof value === 'string') return parseTimestamp(value);
  if (typeof value === 'number') ms = Math.floor(value);
  else if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'bigint') {
    if (value > BigInt(MAX_TIMESTAMP_MS) || value < -BigInt(MAX_TIMESTAMP_MS)) return undefined;
    ms = Number(value);
  } else return undefined;
  return ms <= MAX_TIMESTAMP_MS && ms >= -MAX_TIMESTAMP_MS ? ms : undefined;
}
