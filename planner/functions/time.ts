// Timestamp arithmetic with intervals and calendar fields, all in UTC milliseconds.
import { formatTimestamp, parseTimestamp } from '../timestamp.ts';
import type { SqlType } from '../types.ts';
import { type Kernel, num, numBinary, str, unionNulls } from './column.ts';
import type { ScalarFunction } from './registry.ts';

const isTs = (t?: SqlType): boolean => !!t && (t.id === 'TIMESTAMP' || t.id === 'NULL');
const isInterval = (t?: SqlType): boolean => !!t && (t.id === 'INTERVAL' || t.id === 'NULL');
const TS: SqlType = { id: 'TIMESTAMP', precision: 3 };

function field(name: string, get: (d: Date) => number): ScalarFunction {
  const kernel: Kernel = (args, n) => {
    const t = num(args[0]!);
    const out = new Float64Array(n);
    const d = new Date(0);
    for (let i = 0; i < n; i++) {
      d.setTime(t[i]!);
      out[i] = get(d);
    }
    return { kind: 'num', values: out, nulls: args[0]!.nulls };
  };
  return {
    name,
    signature: `${name}(TIMESTAMP)`,
    resolve: ([a, b]) => (isTs(a) && !b && a!.id !== 'NULL' ? { type: { id: 'BIGINT' }, kernel } : undefined),
  };
}

/** Java-style patterns as Flink's DATE_FORMAT takes them: yyyy MM dd HH mm ss SSS. */
export function formatPattern(ms: number, pattern: string): string {
  const iso = formatTimestamp(ms); // YYYY-MM-DD HH:MM:SS.fff
  const parts: Record<string, string> = {
    yyyy: iso.slice(0, 4),
    MM: iso.slice(5, 7),
    dd: iso.slice(8, 10),
    HH: iso.slice(11, 13),
    mm: iso.slice(14, 16),
    ss: iso.slice(17, 19),
    SSS: iso.slice(20, 23),
  };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (p) => parts[p]!);
}

const dateFormatKernel: Kernel = (args, n) => {
  const t = num(args[0]!);
  const fmt = args[1] ? str(args[1]) : undefined;
  const nulls = unionNulls(args, n);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = nulls?.[i] ? '' : fmt ? formatPattern(t[i]!, fmt[i]!) : formatTimestamp(t[i]!);
  return { kind: 'str', values: out, nulls };
};

const toTimestampKernel: Kernel = (args, n) => {
  const s = str(args[0]!);
  const out = new Float64Array(n);
  let nulls = args[0]!.nulls ? new Uint8Array(args[0]!.nulls) : null;
  for (let i = 0; i < n; i++) {
    if (nulls?.[i]) continue;
    const ms = parseTimestamp(s[i]!);
    if (ms === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
    else out[i] = ms;
  }
  return { kind: 'num', values: out, nulls };
};

export const TIME: readonly ScalarFunction[] = [
  {
    name: '+',
    signature: 'TIMESTAMP + INTERVAL',
    resolve: ([a, b, c]) =>
      !c && ((isTs(a) && isInterval(b)) || (isInterval(a) && isTs(b))) && (a!.id === 'TIMESTAMP' || b!.id === 'TIMESTAMP')
        ? { type: TS, kernel: numBinary((x, y) => x + y) }
        : !c && isInterval(a) && isInterval(b)
          ? { type: { id: 'INTERVAL' }, kernel: numBinary((x, y) => x + y) }
          : undefined,
  },
  {
    name: '-',
    signature: 'TIMESTAMP - INTERVAL',
    resolve: ([a, b, c]) =>
      !c && a?.id === 'TIMESTAMP' && isInterval(b)
        ? { type: TS, kernel: numBinary((x, y) => x - y) }
        : !c && isInterval(a) && isInterval(b)
          ? { type: { id: 'INTERVAL' }, kernel: numBinary((x, y) => x - y) }
          : undefined,
  },
  field('YEAR', (d) => d.getUTCFullYear()),
  field('MONTH', (d) => d.getUTCMonth() + 1),
  field('DAYOFMONTH', (d) => d.getUTCDate()),
  field('HOUR', (d) => d.getUTCHours()),
  field('MINUTE', (d) => d.getUTCMinutes()),
  field('SECOND', (d) => d.getUTCSeconds()),
  {
    name: 'DATE_FORMAT',
    signature: "DATE_FORMAT(TIMESTAMP, 'yyyy-MM-dd HH:mm:ss')",
    resolve: ([a, b, c]) =>
      isTs(a) && (!b || b.id === 'VARCHAR') && !c ? { type: { id: 'VARCHAR' }, kernel: dateFormatKernel } : undefined,
  },
  {
    name: 'TO_TIMESTAMP',
    signature: 'TO_TIMESTAMP(VARCHAR)',
    resolve: ([a, b]) => (a?.id === 'VARCHAR' && !b ? { type: TS, kernel: toTimestampKernel, introducesNull: true } : undefined),
  },
];
