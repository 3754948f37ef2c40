// String functions over VARCHAR columns.
import type { SqlType } from '../types.ts';
import { type Col, type Kernel, num, str, unionNulls } from './column.ts';
import type { ScalarFunction } from './registry.ts';

const isStr = (t?: SqlType): boolean => !!t && (t.id === 'VARCHAR' || t.id === 'NULL');
const isInt = (t?: SqlType): boolean => !!t && (t.id === 'INT' || t.id === 'BIGINT' || t.id === 'NULL');

function strMap(f: (s: string, row: number, args: readonly Col[]) => string): Kernel {
  return (args, n) => {
    const s = str(args[0]!);
    const out = new Array<string>(n);
    const nulls = unionNulls(args, n);
    for (let i = 0; i < n; i++) out[i] = nulls?.[i] ? '' : f(s[i]!, i, args);
    return { kind: 'str', values: out, nulls };
  };
}

const concatKernel: Kernel = (args, n) => {
  const out = new Array<string>(n).fill('');
  for (const a of args) {
    const s = str(a);
    for (let i = 0; i < n; i++) out[i] += s[i]!;
  }
  return { kind: 'str', values: out, nulls: unionNulls(args, n) };
};

const lengthKernel: Kernel = (args, n) => {
  const s = str(args[0]!);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = [...s[i]!].length;
  return { kind: 'num', values: out, nulls: args[0]!.nulls };
};

/** SUBSTRING(s, start [, len]), 1-based like SQL. */
const substringKernel = strMap((s, i, args) => {
  const chars = [...s];
  const start = num(args[1]!)[i]!;
  const len = args[2] ? num(args[2])[i]! : chars.length;
  const from = Math.max(start, 1) - 1;
  const to = Math.max(start + len - 1, 0);
  return chars.slice(from, Math.max(from, to)).join('');
});

export const STRING: readonly ScalarFunction[] = [
  { name: '||', signature: 'VARCHAR || VARCHAR', resolve: ([a, b, c]) => (isStr(a) && isStr(b) && !c ? { type: { id: 'VARCHAR' }, kernel: concatKernel } : undefined) },
  {
    name: 'CONCAT',
    signature: 'CONCAT(VARCHAR, ...)',
    resolve: (args) => (args.length > 0 && args.every(isStr) ? { type: { id: 'VARCHAR' }, kernel: concatKernel } : undefined),
  },
  simple('UPPER', (s) => s.toUpperCase()),
  simple('LOWER', (s) => s.toLowerCase()),
  simple('TRIM', (s) => s.trim()),
  { name: 'CHAR_LENGTH', signature: 'CHAR_LENGTH(VARCHAR)', resolve: ([a, b]) => (isStr(a) && !b ? { type: { id: 'INT' }, kernel: lengthKernel } : undefined) },
  {
    name: 'SUBSTRING',
    signature: 'SUBSTRING(VARCHAR, INT [, INT])',
    resolve: ([s, start, len, extra]) =>
      isStr(s) && isInt(start) && (!len || isInt(len)) && !extra ? { type: { id: 'VARCHAR' }, kernel: substringKernel } : undefined,
  },
  {
    name: 'REPLACE',
    signature: 'REPLACE(VARCHAR, VARCHAR, VARCHAR)',
    resolve: ([s, from, to, extra]) =>
      isStr(s) && isStr(from) && isStr(to) && !extra
        ? { type: { id: 'VARCHAR' }, kernel: strMap((x, i, args) => x.split(str(args[1]!)[i]!).join(str(args[2]!)[i]!)) }
        : undefined,
  },
];

function simple(name: string, f: (s: string) => string): ScalarFunction {
  return {
    name,
    signature: `${name}(VARCHAR)`,
    resolve: ([a, b]) => (isStr(a) && !b ? { type: { id: 'VARCHAR' }, kernel: strMap(f) } : undefined),
  };
}
