// SUM and AVG over DOUBLE, and MIN/MAX over any orderable type.
import * as A from 'apache-arrow';
import { DOUBLE, type Field, type SqlType } from '../../planner/types.ts';
import { fromCol, nullMask, numbersOf, toCol, validityBitmap } from '../vector/columns.ts';
import { compareStrings } from '../../planner/functions/comparison.ts';
import { type Accumulator, gatherF64, growF64, growU8 } from './accumulator.ts';

export class DoubleSumAccumulator implements Accumulator {
  private sum: Float64Array = new Float64Array(1024);
  private n: Float64Array = new Float64Array(1024);
  readonly stateFields: readonly Field[] = [
    { name: 'sum', type: DOUBLE, nullable: false },
    { name: 'n', type: DOUBLE, nullable: false },
  ];

  constructor(private readonly avg: boolean) {}

  grow(capacity: number): void {
    this.sum = growF64(this.sum, capacity);
    this.n = growF64(this.n, capacity);
  }
  init(gid: number): void {
    this.sum[gid] = 0;
    this.n[gid] = 0;
  }
  update(gids: Int32Array, rows: number, arg: A.Data | undefined): void {
    const v = numbersOf(arg!, DOUBLE);
    const nulls = nullMask(arg!);
    const { sum, n } = this;
    for (let i = 0; i < rows; i++) {
      const g = gids[i]!;
      if (g < 0 || (nulls && nulls[i])) continue;
      sum[g] += v[i]!;
      n[g]++;
    }
  }
  merge(into: number, from: number): void {
    this.sum[into] += this.sum[from]!;
    this.n[into] += this.n[from]!;
  }
  result(gids: Int32Array): A.Data {
    const m = gids.length;
    const out = new Float64Array(m);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < m; i++) {
      const g = gids[i]!;
      if (this.n[g] === 0) (nulls ??= new Uint8Array(m))[i] = 1;
      else out[i] = this.avg ? this.sum[g]! / this.n[g]! : this.sum[g]!;
    }
    return fromCol({ kind: 'num', values: out, nulls }, DOUBLE, m);
  }
  save(gids: Int32Array): A.Data[] {
    return [this.sum, this.n].map((a) => fromCol({ kind: 'num', values: gatherF64(a, gids), nulls: null }, DOUBLE, gids.length));
  }
  load(columns: readonly A.Data[], gids: Int32Array): void {
    [this.sum, this.n].forEach((a, c) => {
      const v = numbersOf(columns[c]!, DOUBLE);
      for (let i = 0; i < gids.length; i++) a[gids[i]!] = v[i]!;
    });
  }
}

/** MIN or MAX: numbers (and timestamps, booleans) in a Float64Array, strings in an array by group id. */
export class ExtremeAccumulator implements Accumulator {
  private num: Float64Array = new Float64Array(1024);
  private str: string[] = [];
  private has: Uint8Array = new Uint8Array(1024);
  readonly stateFields: readonly Field[];
  private readonly isString: boolean;

  constructor(private readonly type: SqlType, private readonly max: boolean) {
    this.isString = type.id === 'VARCHAR';
    this.stateFields = [{ name: 'value', type, nullable: true }];
  }

  grow(capacity: number): void {
    this.num = growF64(this.num, capacity);
    this.has = growU8(this.has, capacity);
  }
  init(gid: number): void {
    this.has[gid] = 0;
  }
  update(gids: Int32Array, rows: number, arg: A.Data | undefined): void {
    const col = toCol(arg!, this.type);
    const { has, max } = this;
    if (this.isString) {
      const v = col.values as readonly string[];
      for (let i = 0; i < rows; i++) {
        const g = gids[i]!;
        if (g < 0 || col.nulls?.[i]) continue;
        const x = v[i]!;
        if (!has[g]) (this.str[g] = x), (has[g] = 1);
        else {
          const c = compareStrings(x, this.str[g]!);
          if (max ? c > 0 : c < 0) this.str[g] = x;
        }
      }
      return;
    }
    const v = col.values as Float64Array | Uint8Array;
    const num = this.num;
    for (let i = 0; i < rows; i++) {
      const g = gids[i]!;
      if (g < 0 || col.nulls?.[i]) continue;
      const x = v[i]!;
      if (!has[g] || (max ? x > num[g]! : x < num[g]!)) (num[g] = x), (has[g] = 1);
    }
  }
  merge(into: number, from: number): void {
    if (!this.has[from]) return;
    const take = !this.has[into] || (this.isString
      ? (this.max ? compareStrings(this.str[from]!, this.str[into]!) > 0 : compareStrings(this.str[from]!, this.str[into]!) < 0)
      : this.max ? this.num[from]! > this.num[into]! : this.num[from]! < this.num[into]!);
    if (!take) return;
    this.has[into] = 1;
    if (this.isString) this.str[into] = this.str[from]!;
    else this.num[into] = this.num[from]!;
  }
  result(gids: Int32Array): A.Data {
    const m = gids.length;
    const nulls = new Uint8Array(m);
    for (let i = 0; i < m; i++) nulls[i] = this.has[gids[i]!] ? 0 : 1;
    const anyNull = nulls.includes(1) ? nulls : null;
    if (this.isString) return fromCol({ kind: 'str', values: Array.from(gids, (g) => this.str[g] ?? ''), nulls: anyNull }, this.type, m);
    const values = gatherF64(this.num, gids);
    if (this.type.id === 'BOOLEAN') return fromCol({ kind: 'bool', values: Uint8Array.from(values), nulls: anyNull }, this.type, m);
    return fromCol({ kind: 'num', values, nulls: anyNull }, this.type, m);
  }
  save(gids: Int32Array): A.Data[] {
    return [this.result(gids)];
  }
  load(columns: readonly A.Data[], gids: Int32Array): void {
    const col = toCol(columns[0]!, this.type);
    for (let i = 0; i < gids.length; i++) {
      const g = gids[i]!;
      this.has[g] = col.nulls?.[i] ? 0 : 1;
      if (this.isString) this.str[g] = (col.values as readonly string[])[i]!;
      else this.num[g] = (col.values as Float64Array | Uint8Array)[i]!;
    }
  }
}

/** MIN or MAX over BIGINT, exact across the whole int64 range: compares the high words, then the low. */
export class Int64ExtremeAccumulator implements Accumulator {
  private hi: Int32Array = new Int32Array(1024);
  private lo: Uint32Array = new Uint32Array(1024);
  private has: Uint8Array = new Uint8Array(1024);
  readonly stateFields: readonly Field[] = [{ name: 'value', type: { id: 'BIGINT' }, nullable: true }];

  constructor(private readonly max: boolean) {}

  grow(capacity: number): void {
    if (this.hi.length >= capacity) return;
    const cap = Math.max(capacity, this.hi.length * 2);
    const hi = new Int32Array(cap);
    hi.set(this.hi);
    const lo = new Uint32Array(cap);
    lo.set(this.lo);
    this.hi = hi;
    this.lo = lo;
    this.has = growU8(this.has, cap);
  }
  init(gid: number): void {
    this.has[gid] = 0;
  }
  update(gids: Int32Array, rows: number, arg: A.Data | undefined): void {
    const data = arg!;
    const nulls = nullMask(data);
    const v = data.values as BigInt64Array;
    const words = new Int32Array(v.buffer, v.byteOffset, data.length * 2);
    const { hi, lo, has, max } = this;
    for (let i = 0; i < rows; i++) {
      const g = gids[i]!;
      if (g < 0 || (nulls && nulls[i])) continue;
      const h = words[2 * i + 1]!;
      const l = words[2 * i]! >>> 0;
      const better = !has[g] || (max ? h > hi[g]! || (h === hi[g] && l > lo[g]!) : h < hi[g]! || (h === hi[g] && l < lo[g]!));
      if (better) {
        hi[g] = h;
        lo[g] = l;
        has[g] = 1;
      }
    }
  }
  merge(into: number, from: number): void {
    if (!this.has[from]) return;
    const h = this.hi[from]!;
    const l = this.lo[from]!;
    const better = !this.has[into] || (this.max ? h > this.hi[into]! || (h === this.hi[into] && l > this.lo[into]!) : h < this.hi[into]! || (h === this.hi[into] && l < this.lo[into]!));
    if (better) {
      this.hi[into] = h;
      this.lo[into] = l;
      this.has[into] = 1;
    }
  }
  result(gids: Int32Array): A.Data {
    const m = gids.length;
    const out = new BigInt64Array(m);
    const words = new Int32Array(out.buffer);
    const nulls = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      const g = gids[i]!;
      if (!this.has[g]) nulls[i] = 1;
      words[2 * i] = this.lo[g]!;
      words[2 * i + 1] = this.hi[g]!;
    }
    const { bitmap, nullCount } = validityBitmap(nulls.includes(1) ? nulls : null, m);
    return A.makeData({ type: new A.Int64(), length: m, nullCount, nullBitmap: bitmap, data: out });
  }
  save(gids: Int32Array): A.Data[] {
    return [this.result(gids)];
  }
  load(columns: readonly A.Data[], gids: Int32Array): void {
    const data = columns[0]!;
    const nulls = nullMask(data);
    const v = data.values as BigInt64Array;
    const words = new Int32Array(v.buffer, v.byteOffset, data.length * 2);
    for (let i = 0; i < gids.length; i++) {
      const g = gids[i]!;
      this.has[g] = nulls?.[i] ? 0 : 1;
      this.lo[g] = words[2 * i]! >>> 0;
      this.hi[g] = words[2 * i + 1]!;
    }
  }
}
