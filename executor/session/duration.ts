// Durations in settings: '10s', '500 ms', '2 min', or plain milliseconds.
import { TidemarkError } from '../../parser/errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 };

export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? (m[2] ? UNITS[m[2].toLowerCase()] : 1) : undefined;
  if (!m || unit === undefined)
    throw new TidemarkError({ code: 'bad-setting', message: `"${text}" is not a duration`, hint: "write e.g. '10s', '500ms' or '2min'" });
  return Number(m[1]) * unit;
}
