// Boolean logic (three-valued), NULL tests and conditional functions.
import type { SqlType } from '../types.ts';
import { type Col, type Kernel, bool } from './column.ts';
import { comparable } from './comparison.ts';
import { isNumberLike, widen } from './numeric-types.ts';
import type { ScalarFunction } from './registry.ts';

const isBool = (t?: SqlType): boolean => !!t && (t.id === 'BOOLEAN' || t.id === 'NULL');

/** AND: FALSE wins over NULL; OR: TRUE wins over NULL. */
function logical(isAnd: boolean): Kernel {
  return (args, n) => {
    const a = bool(args[0]!);
    const b = bool(args[1]!);
    const an = args[0]!.nulls;
    const bn = args[1]!.nulls;
    const out = new Uint8Array(n);
    let nulls: Uint8Array | null = null;
    const dominant = isAnd ? 0 : 1;
    for (let i = 0; i < n; i++) {
      const aNull = an ? an[i] === 1 : false;
      const bNull = bn ? bn[i] === 1 : false;
      const av = a[i]!;
      const bv = b[i]!;
      if ((!aNull && av === dominant) || (!bNull && bv === dominant)) out[i] = dominant;
      else if (aNull || bNull) (nulls ??= new Uint8Array(n))[i] = 1;
      else out[i] = 1 - dominant;
    }
    return { kind: 'bool', values: out, nulls };
  };
}

const notKernel: Kernel = (args, n) => {
  const a = bool(args[0]!);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] ? 0 : 1;
  return { kind: 'bool', values: out, nulls: args[0]!.nulls };
};

function nullTest(wantNull: boolean): Kernel {
  return (args, n) => {
    const nulls = args[0]!.nulls;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (nulls ? nulls[i] === 1 : false) === wantNull ? 1 : 0;
    return { kind: 'bool', values: out, nulls: null };
  };
}

/** The common type of values that may stand in the same column (COALESCE, CASE, IF). */
export function unify(types: readonly SqlType[]): SqlType | undefined {
  let t: SqlType = { id: 'NULL' };
  for (const u of types) {
    if (u.id === 'NULL') continue;
    if (t.id === 'NULL') t = u;
    else if (isNumberLike(t) && isNumberLike(u)) t = widen(t, u);
    else if (t.id !== u.id) return undefined;
  }
  return t;
}

/** Picks, row by row, the value of the first argument column whose `pick(i)` says so. */
export function selectRows(cols: readonly Col[], choose: Int32Array, n: number, kind: Col['kind']): Col {
  const nulls = new Uint8Array(n);
  let anyNull = false;
  const values: Float64Array | Uint8Array | string[] =
    kind === 'num' ? new Float64Array(n) : kind === 'bool' ? new Uint8Array(n) : new Array<string>(n).fill('');
  for (let i = 0; i < n; i++) {
    const c = choose[i]!;
    const col = c >= 0 ? cols[c] : undefined;
    if (!col || col.nulls?.[i]) {
      nulls[i] = 1;
      anyNull = true;
    } else (values as unknown as (number | string)[])[i] = col.values[i]!;
  }
  return { kind, values, nulls: anyNull ? nulls : null } as Col;
}

const coalesceKernel: Kernel = (args, n) => {
  const choose = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < args.length; c++) {
      if (!args[c]!.nulls?.[i]) {
        choose[i] = c;
        break;
      }
    }
  }
  return selectRows(args, choose, n, args.find((a) => a.kind)!.kind);
};

const nullifKernel: Kernel = (args, n) => {
  const [a, b] = args as [Col, Col];
  const nulls = a.nulls ? new Uint8Array(a.nulls) : new Uint8Array(n);
  for (let i = 0; i < n; i++) if (!b.nulls?.[i] && a.values[i] === b.values[i]) nulls[i] = 1;
  return { ...a, nulls } as Col;
};

const ifKernel: Kernel = (args, n) => {
  const [c, a, b] = args as [Col, Col, Col];
  const cond = bool(c);
  const choose = new Int32Array(n);
  for (let i = 0; i < n; i++) choose[i] = !c.nulls?.[i] && cond[i] ? 1 : 2;
  return selectRows(args, choose, n, a.kind === 'num' || a.kind === 'bool' || a.kind === 'str' ? a.kind : b.kind);
};

export const CONDITIONAL: readonly ScalarFunction[] = [
  { name: 'AND', signature: 'BOOLEAN AND BOOLEAN', resolve: ([a, b, c]) => (isBool(a) && isBool(b) && !c ? { type: { id: 'BOOLEAN' }, kernel: logical(true) } : undefined) },
  { name: 'OR', signature: 'BOOLEAN OR BOOLEAN', resolve: ([a, b, c]) => (isBool(a) && isBool(b) && !c ? { type: { id: 'BOOLEAN' }, kernel: logical(false) } : undefined) },
  { name: 'NOT', signature: 'NOT BOOLEAN', resolve: ([a, b]) => (isBool(a) && !b ? { type: { id: 'BOOLEAN' }, kernel: notKernel } : undefined) },
  { name: 'IS NULL', signature: 'VALUE IS NULL', resolve: ([a, b]) => (a && !b ? { type: { id: 'BOOLEAN' }, kernel: nullTest(true), neverNull: true } : undefined) },
  { name: 'IS NOT NULL', signature: 'VALUE IS NOT NULL', resolve: ([a, b]) => (a && !b ? { type: { id: 'BOOLEAN' }, kernel: nullTest(false), neverNull: true } : undefined) },
  {
    name: 'COALESCE',
    signature: 'COALESCE(VALUE, ...)',
    resolve: (args) => {
      const type = args.length > 0 ? unify(args) : undefined;
      return type ? { type, kernel: coalesceKernel } : undefined;
    },
  },
  {
    name: 'NULLIF',
    signature: 'NULLIF(VALUE, VALUE)',
    resolve: ([a, b, c]) => (a && b && !c && comparable(a, b) ? { type: a, kernel: nullifKernel, introducesNull: true } : undefined),
  },
  {
    name: 'IF',
    signature: 'IF(BOOLEAN, VALUE, VALUE)',
    resolve: ([c, a, b, d]) => {
      const type = isBool(c) && a && b && !d ? unify([a, b]) : undefined;
      return type ? { type, kernel: ifKernel } : undefined;
    },
  },
];
