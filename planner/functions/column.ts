// The column-at-a-time value vectors that scalar function kernels read and write.

/**
 * Numbers of every numeric-like type (INT, BIGINT within 2^53, DOUBLE, DECIMAL as its value,
 * TIMESTAMP and INTERVAL as milliseconds) travel as Float64Array; BOOLEAN as 0/1 bytes; VARCHAR as
 * strings. `nulls[i] === 1` marks SQL NULL; `nulls` is null when no row is NULL.
 */
export type Col =
  /** `big`: the exact int64 values of a BIGINT column, present only when some value is beyond 2^53. */
  | { readonly kind: 'num'; readonly values: Float64Array; readonly nulls: Uint8Array | null; readonly big?: BigInt64Array }
  | { readonly kind: 'bool'; readonly values: Uint8Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'str'; readonly values: readonly string[]; readonly nulls: Uint8Array | null };

/** Computes one output column from argument columns of `n` rows. */
export type Kernel = (args: readonly Col[], n: number) => Col;

/** A failure while evaluating a row, e.g. a CAST of text that is not a number. */
export class KernelError extends Error {
  constructor(message: string, readonly row: number) {
    super(message);
    this.name = 'KernelError';
  }
}

export function num(col: Col): Float64Array {
  if (col.kind !== 'num') throw new Error(`expected a numeric column, got ${col.kind}`);
  return col.values;
}

export function bool(col: Col): Uint8Array {
  if (col.kind !== 'bool') throw new Error(`expected a boolean column, got ${col.kind}`);
  return col.values;
}

export function str(col: Col): readonly string[] {
  if (col.kind !== 'str') throw new Error(`expected a string column, got ${col.kind}`);
  return col.values;
}

/** The union of the arguments' null masks (a row is NULL when any argument is). */
export function unionNulls(args: readonly Col[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const a of args) {
    if (!a.nulls) continue;
    if (!out) out = new Uint8Array(a.nulls);
    else for (let i = 0; i < n; i++) out[i] |= a.nulls[i]!;
  }
  return out;
}

/** Row i of a numeric column as an exact bigint (integers only). */
export function bigAt(col: Col & { kind: 'num' }, i: number): bigint {
  return col.big ? col.big[i]! : BigInt(col.values[i]!);
}

/**
 * An integer kernel that is exact over the whole int64 range: doubles while every value is below
 * 2^53, BigInt (wrapping like int64) for batches that hold larger ones.
 */
export function intBinary(fast: Kernel, big: (a: bigint, b: bigint) => bigint | null): Kernel {
  return (args, n) => {
    const a = args[0] as Col & { kind: 'num' };
    const b = args[1] as Col & { kind: 'num' };
    const out = fast(args, n) as Col & { kind: 'num' };
    let needBig = !!(a.big || b.big);
    if (!needBig) for (let i = 0; i < n && !needBig; i++) needBig = !out.nulls?.[i] && !Number.isSafeInteger(out.values[i]!);
    if (!needBig) return out;
    const exact = new BigInt64Array(n);
    const values = new Float64Array(n);
    let nulls = out.nulls;
    for (let i = 0; i < n; i++) {
      if (nulls?.[i]) continue;
      const r = big(bigAt(a, i), bigAt(b, i));
      if (r === null) (nulls ??= new Uint8Array(n))[i] = 1;
      else {
        exact[i] = BigInt.asIntN(64, r);
        values[i] = Number(exact[i]!);
      }
    }
    return { kind: 'num', values, nulls, big: exact };
  };
}

/** A numeric kernel applying `f` to each row of two columns; NULL in, NULL out. */
export function numBinary(f: (a: number, b: number) => number): Kernel {
  return (args, n) => {
    const a = num(args[0]!);
    const b = num(args[1]!);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return { kind: 'num', values: out, nulls: unionNulls(args, n) };
  };
}

export function numUnary(f: (a: number) => number): Kernel {
  return (args, n) => {
    const a = num(args[0]!);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(a[i]!);
    return { kind: 'num', values: out, nulls: args[0]!.nulls };
  };
}
