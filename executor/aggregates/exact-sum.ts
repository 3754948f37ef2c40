// COUNT, and exact sums of integers and decimals: int64 arithmetic in two float64 halves, no BigInt per row.
import * as A from 'apache-arrow';
import { type Field, DOUBLE, type SqlType } from '../../planner/types.ts';
import { fromCol, nullMask, numbersOf } from '../vector/columns.ts';
import { type Accumulator, gatherF64, growF64 } from './accumulator.ts';

const TWO_32 = 4294967296;
const LIMIT = 4503599627370496; // 2^52: normalize before the low half loses exactness

/** COUNT(*) and COUNT(x). */
export class CountAccumulator implements Accumulator {
  private count: Float64Array = new Float64Array(1024);
  readonly stateFields: readonly Field[] = [{ name: 'count', type: DOUBLE, nullable: false }];

  grow(capacity: number): void {
    this.count = growF64(this.count, capacity);
  }
  init(gid: number): void {
    this.count[gid] = 0;
  }
  update(gids: Int32Array, n: number, arg: A.Data | undefined): void {
    const nulls = arg ? nullMask(arg) : null;
    const c = this.count;
    for (let i = 0; i < n; i++) {
      const g = gids[i]!;
      if (g >= 0 && !(nulls && nulls[i])) c[g]++;
    }
  }
  merge(into: number, from: number): void {
    this.count[into] += this.count[from]!;
  }
  result(gids: Int32Array): A.Data {
    return fromCol({ kind: 'num', values: gatherF64(this.count, gids), nulls: null }, { id: 'BIGINT' }, gids.length);
  }
  save(gids: Int32Array): A.Data[] {
    return [fromCol({ kind: 'num', values: gatherF64(this.count, gids), nulls: null }, DOUBLE, gids.length)];
  }
  load(columns: readonly A.Data[], gids: Int32Array): void {
    const v = numbersOf(columns[0]!, DOUBLE);
    for (let i = 0; i < gids.length; i++) this.count[gids[i]!] = v[i]!;
  }
}

/**
 * SUM over INT, BIGINT or DECIMAL (unscaled), and the sum behind AVG over them: the int64 value is
 * hi * 2^32 + lo, kept exact by moving carries from lo to hi; overflow wraps as int64 does.
 */
export class ExactSumAccumulator implements Accumulator {
  private hi: Float64Array = new Float64Array(1024);
  private lo: Float64Array = new Float64Array(1024);
  private n: Float64Array = new Float64Array(1024);
  readonly stateFields: readonly Field[] = [
    { name: 'hi', type: DOUBLE, nullable: false },
    { name: 'lo', type: DOUBLE, nullable: false },
    { name: 'n', type: DOUBLE, nullable: false },
  ];

  /** `avg`: results are the mean as DOUBLE instead of the sum. */
  constructor(private readonly argType: SqlType, private readonly resultType: SqlType, private readonly avg = false) {}

  grow(capacity: number): void {
    this.hi = growF64(this.hi, capacity);
    this.lo = growF64(this.lo, capacity);
    this.n = growF64(this.n, capacity);
  }
  init(gid: number): void {
    this.hi[gid] = 0;
    this.lo[gid] = 0;
    this.n[gid] = 0;
  }
  update(gids: Int32Array, rows: number, arg: A.Data | undefined): void {
    const data = arg!;
    const nulls = nullMask(data);
    const { hi, lo, n } = this;
    if (this.argType.id === 'INT') {
      const v = data.values as Int32Array;
      for (let i = 0; i < rows; i++) {
        const g = gids[i]!;
        if (g < 0 || (nulls && nulls[i])) continue;
        const s = lo[g]! + v[i]!;
        lo[g] = s;
        n[g]++;
        if (s >= LIMIT || s <= -LIMIT) carry(hi, lo, g);
      }
      return;
    }
    // BIGINT (2 words per value) or DECIMAL (4 words; p ≤ 18 fits the low two).
    const stride = this.argType.id === 'DECIMAL' ? 4 : 2;
    const values = data.values as BigInt64Array | Uint32Array;
    const words = new Int32Array(values.buffer, values.byteOffset, data.length * stride);
    for (let i = 0; i < rows; i++) {
      const g = gids[i]!;
      if (g < 0 || (nulls && nulls[i])) continue;
      const s = lo[g]! + (words[i * stride]! >>> 0);
      hi[g] += words[i * stride + 1]!;
      lo[g] = s;
      n[g]++;
      if (s >= LIMIT) carry(hi, lo, g);
    }
  }
  merge(into: number, from: number): void {
    this.hi[into] += this.hi[from]!;
    this.lo[into] += this.lo[from]!;
    this.n[into] += this.n[from]!;
    carry(this.hi, this.lo, into);
  }
  result(gids: Int32Array): A.Data {
    const m = gids.length;
    const nulls = new Uint8Array(m);
    let anyNull = false;
    for (let i = 0; i < m; i++) if (this.n[gids[i]!] === 0) nulls[i] = 1, (anyNull = true);
    if (this.avg) {
      const out = new Float64Array(m);
      const div = this.argType.id === 'DECIMAL' ? Math.pow(10, this.argType.scale) : 1;
      for (let i = 0; i < m; i++) {
        const g = gids[i]!;
        if (!nulls[i]) out[i] = exactValue(this.hi[g]!, this.lo[g]!) / div / this.n[g]!;
      }
      return fromCol({ kind: 'num', values: out, nulls: anyNull ? nulls : null }, DOUBLE, m);
    }
    // Write the int64 words directly: exact beyond 2^53, wrapping on overflow.
    const stride = this.resultType.id === 'DECIMAL' ? 4 : 2;
    const words = new Int32Array(m * stride);
    for (let i = 0; i < m; i++) {
      const g = gids[i]!;
      const c = Math.floor(this.lo[g]! / TWO_32);
      const hiWord = (this.hi[g]! + c) % TWO_32;
      words[i * stride] = this.lo[g]! - c * TWO_32;
      words[i * stride + 1] = hiWord;
      if (stride === 4) words[i * 4 + 2] = words[i * 4 + 3] = words[i * 4 + 1]! < 0 ? -1 : 0;
    }
    const bitmap = anyNull ? validity(nulls) : undefined;
    const nullCount = anyNull ? nulls.reduce((a, b) => a + b, 0) : 0;
    if (this.resultType.id === 'DECIMAL')
      return A.makeData({ type: new A.Decimal(this.resultType.scale, this.resultType.precision, 128), length: m, nullCount, nullBitmap: bitmap, data: new Uint32Array(words.buffer) });
    return A.makeData({ type: new A.Int64(), length: m, nullCount, nullBitmap: bitmap, data: new BigInt64Array(words.buffer) });
  }
  save(gids: Int32Array): A.Data[] {
    return [this.hi, this.lo, this.n].map((a) => fromCol({ kind: 'num', values: gatherF64(a, gids), nulls: null }, DOUBLE, gids.length));
  }
  load(columns: readonly A.Data[], gids: Int32Array): void {
    [this.hi, this.lo, this.n].forEach((a, c) => {
      const v = numbersOf(columns[c]!, DOUBLE);
      for (let i = 0; i < gids.length; i++) a[gids[i]!] = v[i]!;
    });
  }
}

function carry(hi: Float64Array, lo: Float64Array, g: number): void {
  const c = Math.floor(lo[g]! / TWO_32);
  hi[g] += c;
  lo[g] -= c * TWO_32;
}

/** hi * 2^32 + lo as a number (rounded when beyond 2^53, as a DOUBLE mean may be). */
function exactValue(hi: number, lo: number): number {
  return hi * TWO_32 + lo;
}

function validity(nulls: Uint8Array): Uint8Array {
  const bits = new Uint8Array(((nulls.length + 63) >> 6) << 3);
  for (let i = 0; i < nulls.length; i++) if (!nulls[i]) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}
