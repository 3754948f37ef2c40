// Comparison operators, IN, LIKE and BETWEEN's building blocks, with SQL NULL semantics.
import type { SqlType } from '../types.ts';
import { type Col, type Kernel, bigAt, unionNulls } from './column.ts';
import { isNumberLike } from './numeric-types.ts';
import type { ScalarFunction } from './registry.ts';

type Cmp = (c: number) => boolean;

/**
 * Orders strings by Unicode code point (as UTF-8 bytes sort, like DuckDB and Flink), not by UTF-16 code
 * unit as JavaScript's `<` does; they differ only where a surrogate pair meets U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF, which is where their code points are. */
function fixup(c: number): number {
  return c >= 0xd800 ? (c >= 0xe000 ? c - 0x800 : c + 0x2000) : c;
}

/** Comparable pairs: numbers with numbers, strings, booleans, timestamps with timestamps. */
export function comparable(a: SqlType, b: SqlType): boolean {
  if (a.id === 'NULL' || b.id === 'NULL') return true;
  if (isNumberLike(a) && isNumberLike(b)) return true;
  if (a.id === 'TIMESTAMP' && b.id === 'TIMESTAMP') return true;
  return a.id === b.id && (a.id === 'VARCHAR' || a.id === 'BOOLEAN' || a.id === 'INTERVAL');
}

function compareKernel(test: Cmp): Kernel {
  return (args, n) => {
    const [a, b] = args as [Col, Col];
    const out = new Uint8Array(n);
    if (a.kind === 'str' && b.kind === 'str') {
      for (let i = 0; i < n; i++) {
        out[i] = test(Math.sign(compareStrings(a.values[i]!, b.values[i]!))) ? 1 : 0;
      }
    } else if ((a.kind === 'num' && a.big) || (b.kind === 'num' && b.big)) {
      // int64 beyond 2^53 on one side: compare exactly where both sides are integers.
      const an = a as Col & { kind: 'num' };
      const bn = b as Col & { kind: 'num' };
      for (let i = 0; i < n; i++) {
        const x = an.values[i]!;
        const y = bn.values[i]!;
        if (Number.isInteger(x) && Number.isInteger(y)) {
          const p = bigAt(an, i);
          const q = bigAt(bn, i);
          out[i] = test(p < q ? -1 : p > q ? 1 : 0) ? 1 : 0;
        } else out[i] = test(x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN) ? 1 : 0;
      }
    } else {
      const x = a.values as ArrayLike<number>;
      const y = b.values as ArrayLike<number>;
      for (let i = 0; i < n; i++) out[i] = test(x[i]! < y[i]! ? -1 : x[i]! > y[i]! ? 1 : x[i] === y[i] ? 0 : NaN) ? 1 : 0;
    }
    return { kind: 'bool', values: out, nulls: unionNulls(args, n) };
  };
}

function comparison(name: string, test: Cmp): ScalarFunction {
  return {
    name,
    signature: `VALUE ${name} VALUE (same kind)`,
    resolve: ([a, b, c]) => (a && b && !c && comparable(a, b) ? { type: { id: 'BOOLEAN' }, kernel: compareKernel(test) } : undefined),
  };
}

/** x IN (v1, v2, ...): TRUE on a match; NULL when x is NULL or no match and some v is NULL. */
const inKernel: Kernel = (args, n) => {
  const [x, ...list] = args as [Col, ...Col[]];
  const out = new Uint8Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (x.nulls?.[i]) {
      (nulls ??= new Uint8Array(n))[i] = 1;
      continue;
    }
    let found = false;
    let sawNull = false;
    for (const v of list) {
      if (v.nulls?.[i]) sawNull = true;
      else if (v.values[i] === x.values[i]) {
        found = true;
        break;
      }
    }
    if (found) out[i] = 1;
    else if (sawNull) (nulls ??= new Uint8Array(n))[i] = 1;
  }
  return { kind: 'bool', values: out, nulls };
};

/** SQL LIKE pattern ('%' any run, '_' one character) as an anchored regular expression. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const likeKernel: Kernel = (args, n) => {
  const [s, p] = args as [Col, Col];
  const out = new Uint8Array(n);
  let lastPattern: string | undefined;
  let re = /^$/;
  for (let i = 0; i < n; i++) {
    if (s.nulls?.[i] || p.nulls?.[i]) continue;
    const pat = p.values[i] as string;
    if (pat !== lastPattern) {
      re = likeToRegExp(pat);
      lastPattern = pat;
    }
    out[i] = re.test(s.values[i] as string) ? 1 : 0;
  }
  return { kind: 'bool', values: out, nulls: unionNulls(args, n) };
};

export const COMPARISON: readonly ScalarFunction[] = [
  comparison('=', (c) => c === 0),
  comparison('<>', (c) => c === -1 || c === 1),
  comparison('<', (c) => c === -1),
  comparison('<=', (c) => c === -1 || c === 0),
  comparison('>', (c) => c === 1),
  comparison('>=', (c) => c === 1 || c === 0),
  {
    name: 'IN',
    signature: 'VALUE IN (VALUE, ...)',
    resolve: (args) =>
      args.length >= 2 && args.every((t) => comparable(args[0]!, t)) ? { type: { id: 'BOOLEAN' }, kernel: inKernel } : undefined,
  },
  {
    name: 'LIKE',
    signature: 'VARCHAR LIKE VARCHAR',
    resolve: ([a, b, c]) =>
      a && b && !c && (a.id === 'VARCHAR' || a.id === 'NULL') && (b.id === 'VARCHAR' || b.id === 'NULL')
        ? { type: { id: 'BOOLEAN' }, kernel: likeKernel }
        : undefined,
  },
];
