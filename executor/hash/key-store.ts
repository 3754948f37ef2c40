// Group keys stored column-wise by group id in typed arrays: hashing, comparing and gathering without row objects.
import * as A from 'apache-arrow';
import type { SqlType } from '../../planner/types.ts';
import { arrowType } from '../vector/arrow-types.ts';
import { nullMask, validityBitmap } from '../vector/columns.ts';

const NULL_HASH = 0x5bd1e995;

/** One key column's values for the current batch, read through integer views. */
interface BatchKey {
  readonly nulls: Uint8Array | null;
  readonly words: Int32Array; // fixed-width: `stride` words per row
  readonly stride: number;
  readonly offsets?: Int32Array; // Utf8
  readonly bytes?: Uint8Array;
}

function viewOf(data: A.Data, type: SqlType): BatchKey {
  const nulls = nullMask(data);
  if (type.id === 'VARCHAR') {
    const offsets = data.valueOffsets as Int32Array; // sliced by Arrow already
    return { nulls, words: new Int32Array(0), stride: 0, offsets, bytes: data.values as Uint8Array };
  }
  if (type.id === 'BOOLEAN') {
    const bits = data.values as Uint8Array;
    const words = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const j = i + data.offset;
      words[i] = (bits[j >> 3]! >> (j & 7)) & 1;
    }
    return { nulls, words, stride: 1 };
  }
  let v = data.values as Int32Array | Float64Array | BigInt64Array | Uint32Array;
  if (type.id === 'DOUBLE') v = canonicalDoubles(v as Float64Array, data.length);
  // DECIMAL(p ≤ 18) lives in the low two of its four words; the others only repeat the sign.
  const stride = type.id === 'DECIMAL' ? 4 : v.BYTES_PER_ELEMENT / 4;
  const all = new Int32Array(v.buffer, v.byteOffset, v.byteLength / 4);
  return { nulls, words: all, stride };
}

/** -0 groups with 0, and every NaN with every other NaN, as in DuckDB and Spark. */
function canonicalDoubles(v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    out[i] = x === 0 ? 0 : x !== x ? NaN : x;
  }
  return out;
}

/** Stored keys of one column, indexed by group id. */
class KeyColumn {
  nulls: Uint8Array;
  words: Int32Array; // width words per group (fixed-width types)
  readonly width: number;
  // VARCHAR: bytes in an arena; `start`/`len` per group. Freed bytes are reclaimed by compact().
  arena: Uint8Array = new Uint8Array(0);
  start: Int32Array = new Int32Array(0);
  len: Int32Array = new Int32Array(0);
  used = 0;
  dead = 0;

  constructor(readonly type: SqlType, capacity: number) {
    this.width = type.id === 'VARCHAR' ? 0 : type.id === 'INT' || type.id === 'BOOLEAN' ? 1 : 2;
    this.nulls = new Uint8Array(capacity);
    this.words = new Int32Array(capacity * this.width);
    if (this.width === 0) {
      this.arena = new Uint8Array(1024);
      this.start = new Int32Array(capacity);
      this.len = new Int32Array(capacity);
    }
  }

  grow(capacity: number): void {
    this.nulls = growU8(this.nulls, capacity);
    this.words = growI32(this.words, capacity * this.width);
    if (this.width === 0) {
      this.start = growI32(this.start, capacity);
      this.len = growI32(this.len, capacity);
    }
  }
}

function growU8(a: Uint8Array, n: number): Uint8Array {
  if (a.length >= n) return a;
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
function growI32(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export class KeyStore {
  private cols: KeyColumn[];
  private views: BatchKey[] = [];
  private hashes = new Uint32Array(0);
  capacity: number;

  constructor(readonly types: readonly SqlType[], capacity = 1024) {
    this.capacity = capacity;
    this.cols = types.map((t) => new KeyColumn(t, capacity));
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    for (const c of this.cols) c.grow(capacity);
  }

  /** Prepares a batch's key columns and returns each row's hash. */
  bindBatch(columns: readonly A.Data[], n: number): Uint32Array {
    this.views = columns.map((d, i) => viewOf(d, this.types[i]!));
    // Reused between batches: the hashes are read only while the batch is processed.
    if (this.hashes.length < n) this.hashes = new Uint32Array(n);
    const h = this.hashes.subarray(0, n);
    h.fill(0);
    for (const v of this.views) {
      if (v.stride === 0) hashStrings(h, v, n);
      else hashWords(h, v, n);
    }
    for (let i = 0; i < n; i++) h[i] = fmix(h[i]!);
    this.chooseEquals();
    return h;
  }

  /** Does stored group `g` have the key of batch row `row`? Specialized per batch for one key column. */
  equals: (g: number, row: number) => boolean = () => true;

  private chooseEquals(): void {
    if (this.cols.length === 1 && !this.views[0]!.nulls && this.cols[0]!.width === 0) {
      const col = this.cols[0]!;
      const { offsets, bytes } = this.views[0]! as Required<BatchKey>;
      this.equals = (g, row) => {
        if (col.nulls[g] === 1) return false;
        const a = offsets[row]!;
        const len = offsets[row + 1]! - a;
        if (len !== col.len[g]) return false;
        const arena = col.arena;
        const s = col.start[g]!;
        for (let k = 0; k < len; k++) if (bytes[a + k] !== arena[s + k]) return false;
        return true;
      };
    } else if (this.cols.length === 1 && !this.views[0]!.nulls && this.cols[0]!.width === 1) {
      const col = this.cols[0]!;
      const { words } = this.views[0]!;
      const stride = this.views[0]!.stride;
      this.equals = (g, row) => col.nulls[g] === 0 && col.words[g] === words[row * stride];
    } else this.equals = (g, row) => this.equalsAny(g, row);
  }

  private equalsAny(g: number, row: number): boolean {
    for (let c = 0; c < this.cols.length; c++) {
      const col = this.cols[c]!;
      const v = this.views[c]!;
      const rowNull = v.nulls !== null && v.nulls[row] === 1;
      if (rowNull || col.nulls[g] === 1) {
        if (rowNull !== (col.nulls[g] === 1)) return false;
        continue;
      }
      if (col.width === 0) {
        const a = v.offsets![row]!;
        const len = v.offsets![row + 1]! - a;
        if (len !== col.len[g]) return false;
        const s = col.start[g]!;
        const bytes = v.bytes!;
        for (let k = 0; k < len; k++) if (bytes[a + k] !== col.arena[s + k]) return false;
      } else {
        const base = row * v.stride;
        for (let k = 0; k < col.width; k++) if (col.words[g * col.width + k] !== v.words[base + k]) return false;
      }
    }
    return true;
  }

  /** Stores batch row `row`'s key as group `g`. */
  store(g: number, row: number): void {
    for (let c = 0; c < this.cols.length; c++) {
      const col = this.cols[c]!;
      const v = this.views[c]!;
      const isNull = v.nulls !== null && v.nulls[row] === 1;
      col.nulls[g] = isNull ? 1 : 0;
      if (isNull) continue;
      if (col.width === 0) {
        const a = v.offsets![row]!;
        const len = v.offsets![row + 1]! - a;
        if (col.used + len > col.arena.length) {
          const grown = new Uint8Array(Math.max(col.arena.length * 2, col.used + len));
          grown.set(col.arena.subarray(0, col.used));
          col.arena = grown;
        }
        col.arena.set(v.bytes!.subarray(a, a + len), col.used);
        col.start[g] = col.used;
        col.len[g] = len;
        col.used += len;
      } else {
        const base = row * v.stride;
        for (let k = 0; k < col.width; k++) col.words[g * col.width + k] = v.words[base + k]!;
      }
    }
  }

  /** Forgets group `g` (its id is reused); string bytes are reclaimed once enough are dead. */
  release(g: number): void {
    for (const col of this.cols) if (col.width === 0) col.dead += col.len[g]!;
  }

  /** Rewrites string arenas keeping only `live` groups' bytes, when most bytes are dead. */
  compact(live: ArrayLike<number>, liveCount: number): void {
    for (const col of this.cols) {
      if (col.width !== 0 || col.dead < 1 << 20 || col.dead < col.used / 2) continue;
      const arena = new Uint8Array(Math.max(1024, col.used - col.dead));
      let pos = 0;
      for (let i = 0; i < liveCount; i++) {
        const g = live[i]!;
        if (col.nulls[g]) continue;
        arena.set(col.arena.subarray(col.start[g]!, col.start[g]! + col.len[g]!), pos);
        col.start[g] = pos;
        pos += col.len[g]!;
      }
      col.arena = arena;
      col.used = pos;
      col.dead = 0;
    }
  }

  /** The keys of groups `gids`, as Arrow columns of the key types. */
  gather(c: number, gids: Int32Array): A.Data {
    const col = this.cols[c]!;
    const n = gids.length;
    const nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = col.nulls[gids[i]!]!;
    const { bitmap, nullCount } = validityBitmap(nulls, n);
    const t = col.type;
    if (t.id === 'VARCHAR') {
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        if (!nulls[i]) total += col.len[gids[i]!]!;
        offsets[i + 1] = total;
      }
      const bytes = new Uint8Array(total);
      for (let i = 0; i < n; i++) {
        const g = gids[i]!;
        if (!nulls[i]) bytes.set(col.arena.subarray(col.start[g]!, col.start[g]! + col.len[g]!), offsets[i]!);
      }
      return A.makeData({ type: new A.Utf8(), length: n, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: bytes });
    }
    if (t.id === 'BOOLEAN') {
      const bits = new Uint8Array(((n + 63) >> 6) << 3);
      for (let i = 0; i < n; i++) if (col.words[gids[i]!]) bits[i >> 3] |= 1 << (i & 7);
      return A.makeData({ type: new A.Bool(), length: n, nullCount, nullBitmap: bitmap, data: bits });
    }
    const stride = t.id === 'DECIMAL' ? 4 : col.width;
    const words = new Int32Array(n * stride);
    for (let i = 0; i < n; i++) {
      const g = gids[i]!;
      for (let k = 0; k < col.width; k++) words[i * stride + k] = col.words[g * col.width + k]!;
      if (t.id === 'DECIMAL') words[i * 4 + 2] = words[i * 4 + 3] = words[i * 4 + 1]! < 0 ? -1 : 0;
    }
    const type = arrowType(t);
    const data =
      t.id === 'INT' ? words : t.id === 'DOUBLE' ? new Float64Array(words.buffer) : t.id === 'DECIMAL' ? new Uint32Array(words.buffer) : new BigInt64Array(words.buffer);
    return A.makeData({ type, length: n, nullCount, nullBitmap: bitmap, data } as never);
  }
}

function hashWords(h: Uint32Array, v: BatchKey, n: number): void {
  const words = v.words;
  const width = v.stride === 4 ? 2 : v.stride;
  for (let i = 0; i < n; i++) {
    let x = h[i]!;
    if (v.nulls && v.nulls[i]) x = mix(x, NULL_HASH);
    else for (let k = 0; k < width; k++) x = mix(x, words[i * v.stride + k]!);
    h[i] = x;
  }
}

function hashStrings(h: Uint32Array, v: BatchKey, n: number): void {
  const offsets = v.offsets!;
  const bytes = v.bytes!;
  for (let i = 0; i < n; i++) {
    if (v.nulls && v.nulls[i]) {
      h[i] = mix(h[i]!, NULL_HASH);
      continue;
    }
    let x = 0x811c9dc5;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) x = Math.imul(x ^ bytes[k]!, 0x01000193);
    h[i] = mix(h[i]!, x);
  }
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
