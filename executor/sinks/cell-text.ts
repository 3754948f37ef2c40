// Renders a whole Arrow column as text cells for JSON, CSV or a terminal table, straight from its typed arrays.
import type * as A from 'apache-arrow';
import { assertNever } from '../../parser/errors.ts';
import type { SqlType } from '../../planner/types.ts';
import { formatTimestamp } from '../../planner/timestamp.ts';
import { nullMask } from '../vector/columns.ts';
import { bigintValues, boolBits, decimalTexts, int64Numbers, plainNumbers, utf8Strings } from './rows.ts';

/**
 * json: JSON tokens (strings quoted, NULL as `null`). csv: RFC 4180 fields (quoted only when needed, NULL
 * empty, '' as `""`). table: display text for a terminal (NULL as `NULL`, control characters escaped).
 */
export type TextDialect = 'json' | 'csv' | 'table';

const NULL_TEXT: Record<TextDialect, string> = { json: 'null', csv: '', table: 'NULL' };

/** One text cell per row of `data`, in `dialect`. */
export function columnText(data: A.Data, type: SqlType, dialect: TextDialect): string[] {
  const out = cellsOf(data, type, dialect);
  const nulls = nullMask(data);
  if (nulls) {
    const t = NULL_TEXT[dialect];
    for (let i = 0; i < nulls.length; i++) if (nulls[i]) out[i] = t;
  }
  return out;
}

function cellsOf(data: A.Data, type: SqlType, dialect: TextDialect): string[] {
  const n = data.length;
  switch (type.id) {
    case 'BOOLEAN': {
      const bits = boolBits(data);
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = bits[i] ? 'true' : 'false';
      return out;
    }
    case 'INT':
    case 'DOUBLE':
    case 'INTERVAL':
      return numberCells(plainNumbers(data), dialect);
    case 'BIGINT': {
      const values = bigintValues(data);
      const out = new Array<string>(n);
      // JSON readers parse numbers as doubles, so values beyond 2^53 travel as strings (SPEC §5).
      const quote = dialect === 'json' ? '"' : '';
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        out[i] = typeof v === 'number' ? String(v) : quote + v.toString() + quote;
      }
      return out;
    }
    case 'DECIMAL':
      return decimalTexts(data, type.scale);
    case 'VARCHAR':
      return stringCells(utf8Strings(data), dialect);
    case 'TIMESTAMP':
      return timestampCells(int64Numbers(data), dialect === 'json' ? '"' : '');
    case 'NULL':
      return new Array<string>(n).fill(NULL_TEXT[dialect]);
    default:
      return assertNever(type);
  }
}

const MS_PER_DAY = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `YYYY-MM-DD HH:MM:SS.fff` (UTC) per epoch ms, each wrapped in `quote`. */
function timestampCells(ms: Float64Array, quote: string): string[] {
  const out = new Array<string>(ms.length);
  // Rows of a batch mostly fall on a few days: the calendar part is worked out once per day, and the time of
  // day from lookup tables, which makes this several times faster than formatting each value in full.
  let lastDay = NaN;
  let prefix = '';
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!;
    const day = Math.floor(m / MS_PER_DAY);
    if (day !== lastDay) {
      lastDay = day;
      const whole = formatTimestamp(day * MS_PER_DAY);
      prefix = quote + whole.slice(0, whole.length - 12); // without 'HH:MM:SS.fff'
    }
    let rem = m - day * MS_PER_DAY;
    const h = Math.floor(rem / 3_600_000);
    rem -= h * 3_600_000;
    const min = Math.floor(rem / 60_000);
    rem -= min * 60_000;
    const sec = Math.floor(rem / 1000);
    out[i] = prefix + PAD2[h] + ':' + PAD2[min] + ':' + PAD2[sec] + '.' + PAD3[rem - sec * 1000] + quote;
  }
  return out;
}

function numberCells(values: Int32Array | Float64Array, dialect: TextDialect): string[] {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    // JSON has no NaN or infinities; they travel as the strings "NaN", "Infinity", "-Infinity".
    out[i] = dialect === 'json' && !Number.isFinite(x) ? `"${x}"` : String(x);
  }
  return out;
}

function stringCells(values: string[], dialect: TextDialect): string[] {
  switch (dialect) {
    case 'json':
      for (let i = 0; i < values.length; i++) values[i] = JSON.stringify(values[i]);
      return values;
    case 'csv':
      for (let i = 0; i < values.length; i++) values[i] = csvField(values[i]!);
      return values;
    case 'table':
      for (let i = 0; i < values.length; i++) values[i] = displayText(values[i]!);
      return values;
    default:
      return assertNever(dialect);
  }
}

const CSV_SPECIAL = /[",\r\n]/;

/** A non-NULL text value as a CSV field: quoted when it holds `,` `"` CR or LF, and when empty (so '' ≠ NULL). */
export function csvField(s: string): string {
  if (s.length === 0) return '""';
  return CSV_SPECIAL.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// C0 controls and DEL would move the cursor or break the table's lines; show them as escapes instead.
const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text as it can safely be shown inside one terminal table cell. */
export function displayText(s: string): string {
  return s.replace(CONTROL, (c) => ESCAPES[c] ?? '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
