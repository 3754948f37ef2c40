// CAST between SQL types, as kernels; text that does not convert fails the row with a clear message.
import { formatTimestamp, parseTimestamp } from '../timestamp.ts';
import { type SqlType, typeToString } from '../types.ts';
import { type Col, type Kernel, KernelError } from './column.ts';
import { isNumberLike } from './numeric-types.ts';

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function castKernel(from: SqlType, to: SqlType): Kernel | undefined {
  if (from.id === 'NULL') return nullOf(to);
  if (typeToString(from) === typeToString(to)) return (args) => args[0]!;
  if (isNumberLike(from) && isNumberLike(to)) {
    const integral = to.id === 'INT' || to.id === 'BIGINT';
    return integral ? mapNum(Math.trunc) : (args) => args[0]!; // DECIMAL rounding happens when stored
  }
  if (to.id === 'VARCHAR') return toText(from);
  if (from.id === 'VARCHAR') return fromText(to);
  if (from.id === 'BOOLEAN' && isNumberLike(to)) return (args, n) => ({ kind: 'num', values: Float64Array.from((args[0] as Col & { kind: 'bool' }).values), nulls: args[0]!.nulls });
  if (isNumberLike(from) && to.id === 'BOOLEAN')
    return (args, n) => {
      const v = (args[0] as Col & { kind: 'num' }).values;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = v[i] !== 0 ? 1 : 0;
      return { kind: 'bool', values: out, nulls: args[0]!.nulls };
    };
  return undefined;
}

function nullOf(to: SqlType): Kernel {
  return (_args, n) => {
    const nulls = new Uint8Array(n).fill(1);
    if (to.id === 'VARCHAR') return { kind: 'str', values: new Array<string>(n).fill(''), nulls };
    if (to.id === 'BOOLEAN') return { kind: 'bool', values: new Uint8Array(n), nulls };
    return { kind: 'num', values: new Float64Array(n), nulls };
  };
}

function mapNum(f: (x: number) => number): Kernel {
  return (args, n) => {
    const v = (args[0] as Col & { kind: 'num' }).values;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(v[i]!);
    return { kind: 'num', values: out, nulls: args[0]!.nulls };
  };
}

function toText(from: SqlType): Kernel {
  const show: (v: number | string) => string =
    from.id === 'TIMESTAMP'
      ? (v) => formatTimestamp(v as number)
      : from.id === 'DECIMAL'
        ? (v) => (v as number).toFixed(from.scale)
        : from.id === 'BOOLEAN'
          ? (v) => (v ? 'TRUE' : 'FALSE')
          : (v) => String(v);
  return (args, n) => {
    const a = args[0]!;
    const out = new Array<string>(n);
    const big = a.kind === 'num' ? a.big : undefined;
    for (let i = 0; i < n; i++) out[i] = a.nulls?.[i] ? '' : big ? String(big[i]) : show(a.values[i]!);
    return { kind: 'str', values: out, nulls: a.nulls };
  };
}

function fromText(to: SqlType): Kernel | undefined {
  const expected = typeToString(to);
  const fail = (text: string, row: number): never => {
    throw new KernelError(`CAST('${text}' AS ${expected}) failed: not a valid ${expected}`, row);
  };
  if (isNumberLike(to)) {
    const integral = to.id === 'INT' || to.id === 'BIGINT';
    return (args, n) => {
      const a = args[0] as Col & { kind: 'str' };
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (a.nulls?.[i]) continue;
        const t = a.values[i]!.trim();
        if (!NUMERIC_TEXT.test(t)) fail(a.values[i]!, i);
        const v = Number(t);
        if (integral && !Number.isInteger(v)) fail(a.values[i]!, i);
        out[i] = v;
      }
      return { kind: 'num', values: out, nulls: a.nulls };
    };
  }
  if (to.id === 'TIMESTAMP')
    return (args, n) => {
      const a = args[0] as Col & { kind: 'str' };
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (a.nulls?.[i]) continue;
        const ms = parseTimestamp(a.values[i]!);
        out[i] = ms ?? fail(a.values[i]!, i);
      }
      return { kind: 'num', values: out, nulls: a.nulls };
    };
  if (to.id === 'BOOLEAN')
    return (args, n) => {
      const a = args[0] as Col & { kind: 'str' };
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (a.nulls?.[i]) continue;
        const t = a.values[i]!.trim().toLowerCase();
        if (t === 'true') out[i] = 1;
        else if (t !== 'false') fail(a.values[i]!, i);
      }
      return { kind: 'bool', values: out, nulls: a.nulls };
    };
  return undefined;
}
