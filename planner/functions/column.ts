// The column-at-a-time value vectors that scalar function kernels read and write.

/**
 * Numbers of every numeric-like type (INT, BIGINT within 2^53, DOUBLE, DECIMAL as its value,
 * TIMESTAMP and INTERVAL as milliseconds) travel as Float64Array; BOOLEAN as 0/1 bytes; VARCHAR as
 * strings. `nulls[i] === 1` marks SQL NULL; `nulls` is null when no row is NULL.
 */
export type Col =
  | { readonly kind: 'num'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
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
