// Arithmetic operators and math functions over numeric columns.
import type { SqlType } from '../types.ts';
import { type Col, type Kernel, intBinary, num, numBinary, numUnary, unionNulls } from './column.ts';
import { addType, divideType, isNumberLike, multiplyType, widen } from './numeric-types.ts';
import type { ScalarFunction } from './registry.ts';

const numeric2 = (a?: SqlType, b?: SqlType): boolean => !!a && !!b && isNumberLike(a) && isNumberLike(b);

/** Division and modulo give NULL for a zero divisor (as DuckDB), rather than failing the stream. */
function nullOnZero(f: (a: number, b: number) => number): Kernel {
  return (args, n) => {
    const a = num(args[0]!);
    const b = num(args[1]!);
    const out = new Float64Array(n);
    let nulls = unionNulls(args, n);
    for (let i = 0; i < n; i++) {
      if (b[i] === 0) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else out[i] = f(a[i]!, b[i]!);
    }
    return { kind: 'num', values: out, nulls };
  };
}

const isIntegral = (t: SqlType): boolean => t.id === 'INT' || t.id === 'BIGINT';

/** BIGINT results use exact kernels; INT, DECIMAL and DOUBLE ones compute in doubles. */
function arith(type: SqlType, f: (a: number, b: number) => number, big: (a: bigint, b: bigint) => bigint | null): Kernel {
  return type.id === 'BIGINT' ? intBinary(numBinary(f), big) : numBinary(f);
}

export const ARITHMETIC: readonly ScalarFunction[] = [
  {
    name: '+',
    signature: 'NUMERIC + NUMERIC',
    resolve: ([a, b]) => {
      if (!numeric2(a, b)) return undefined;
      const type = addType(a!, b!);
      return { type, kernel: arith(type, (x, y) => x + y, (x, y) => x + y) };
    },
  },
  {
    name: '-',
    signature: 'NUMERIC - NUMERIC',
    resolve: ([a, b]) => {
      if (!numeric2(a, b)) return undefined;
      const type = addType(a!, b!);
      return { type, kernel: arith(type, (x, y) => x - y, (x, y) => x - y) };
    },
  },
  {
    name: '*',
    signature: 'NUMERIC * NUMERIC',
    resolve: ([a, b]) => {
      if (!numeric2(a, b)) return undefined;
      const type = multiplyType(a!, b!);
      return { type, kernel: arith(type, (x, y) => x * y, (x, y) => x * y) };
    },
  },
  {
    name: '/',
    signature: 'NUMERIC / NUMERIC',
    resolve: ([a, b]) => {
      if (!numeric2(a, b)) return undefined;
      const type = divideType(a!, b!);
      const kernel =
        type.id === 'BIGINT'
          ? intBinary(nullOnZero((x, y) => Math.trunc(x / y)), (x, y) => (y === 0n ? null : x / y))
          : nullOnZero(isIntegral(type) ? (x, y) => Math.trunc(x / y) : (x, y) => x / y);
      return { type, kernel, introducesNull: true };
    },
  },
  {
    name: '%',
    signature: 'NUMERIC % NUMERIC',
    resolve: ([a, b]) => (numeric2(a, b) ? { type: widen(a!, b!), kernel: nullOnZero((x, y) => x % y), introducesNull: true } : undefined),
  },
  {
    name: 'MOD',
    signature: 'MOD(NUMERIC, NUMERIC)',
    resolve: ([a, b, c]) =>
      numeric2(a, b) && !c ? { type: widen(a!, b!), kernel: nullOnZero((x, y) => x % y), introducesNull: true } : undefined,
  },
  {
    name: 'NEG',
    signature: '-NUMERIC',
    resolve: ([a, b]) => (a && !b && isNumberLike(a) ? { type: a, kernel: numUnary((x) => -x) } : undefined),
  },
  unary('ABS', (x) => Math.abs(x)),
  rounding('FLOOR', Math.floor),
  rounding('CEIL', Math.ceil),
  {
    name: 'ROUND',
    signature: 'ROUND(NUMERIC [, INT])',
    resolve: ([a, d, extra]) => {
      if (!a || !isNumberLike(a) || extra || (d && !isIntegral(d))) return undefined;
      const kernel: Kernel = (args, n) => {
        const x = num(args[0]!);
        const digits = args[1] ? num(args[1]) : undefined;
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = roundHalfUp(x[i]!, digits ? digits[i]! : 0);
        return { kind: 'num', values: out, nulls: unionNulls(args, n) };
      };
      return { type: a.id === 'NULL' ? { id: 'INT' } : a, kernel };
    },
  },
  {
    name: 'POWER',
    signature: 'POWER(NUMERIC, NUMERIC)',
    resolve: ([a, b, c]) => (numeric2(a, b) && !c ? { type: { id: 'DOUBLE' }, kernel: numBinary(Math.pow) } : undefined),
  },
  {
    name: 'SQRT',
    signature: 'SQRT(NUMERIC)',
    resolve: ([a, b]) => (a && !b && isNumberLike(a) ? { type: { id: 'DOUBLE' }, kernel: numUnary(Math.sqrt) } : undefined),
  },
];

function unary(name: string, f: (x: number) => number): ScalarFunction {
  return {
    name,
    signature: `${name}(NUMERIC)`,
    resolve: ([a, b]) => (a && !b && isNumberLike(a) ? { type: a.id === 'NULL' ? { id: 'INT' } : a, kernel: numUnary(f) } : undefined),
  };
}

/** FLOOR/CEIL keep integer types and turn DECIMAL(p,s) into DECIMAL(p,0). */
function rounding(name: string, f: (x: number) => number): ScalarFunction {
  return {
    name,
    signature: `${name}(NUMERIC)`,
    resolve: ([a, b]) => {
      if (!a || b || !isNumberLike(a)) return undefined;
      const type: SqlType = a.id === 'DECIMAL' ? { id: 'DECIMAL', precision: a.precision, scale: 0 } : a.id === 'NULL' ? { id: 'INT' } : a;
      return { type, kernel: numUnary(f) };
    },
  };
}

/** Rounds half away from zero, as SQL ROUND does. */
export function roundHalfUp(x: number, digits: number): number {
  const m = Math.pow(10, digits);
  const y = Math.abs(x) * m;
  const r = Math.round(y + Number.EPSILON * y);
  return (Math.sign(x) * r) / m;
}

export type { Col };
