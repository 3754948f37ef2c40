// An open-addressing hash index from keys to group ids, for one window; remembers insertion order.
import type { KeyStore } from './key-store.ts';

export class GroupIndex {
  /** Slot s holds [group id + 1 (0 = empty), hash] side by side: one cache line per probe. */
  private table: Int32Array;
  private mask: number;
  /** Group ids in the order their keys first arrived: the order a window's rows are emitted in. */
  gids: Int32Array;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.table = new Int32Array(cap * 2);
    this.mask = cap - 1;
    this.gids = new Int32Array(Math.max(8, capacity));
  }

  /**
   * The group of batch row `row` (hash `h`), or -1 when the key is new (then the caller allocates an
   * id and calls insert()).
   */
  find(h: number, row: number, keys: KeyStore): number {
    const t = this.table;
    const hash = h | 0;
    let s = h & this.mask;
    for (;;) {
      const g1 = t[2 * s]!;
      if (g1 === 0) return -1;
      if (t[2 * s + 1] === hash && keys.equals(g1 - 1, row)) return g1 - 1;
      s = (s + 1) & this.mask;
    }
  }

  insert(h: number, gid: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.rehash();
    this.place(this.table, this.mask, h | 0, gid + 1);
    if (this.size === this.gids.length) {
      const grown = new Int32Array(this.gids.length * 2);
      grown.set(this.gids);
      this.gids = grown;
    }
    this.gids[this.size++] = gid;
  }

  private place(t: Int32Array, mask: number, hash: number, g1: number): void {
    let s = hash & mask;
    while (t[2 * s] !== 0) s = (s + 1) & mask;
    t[2 * s] = g1;
    t[2 * s + 1] = hash;
  }

  private rehash(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    this.table = new Int32Array(cap * 2);
    this.mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(this.table, this.mask, old[i + 1]!, old[i]!);
  }
}

/** Hands out dense group ids and reuses freed ones, so accumulator arrays stay compact. */
export class GroupIds {
  private free: number[] = [];
  next = 0;

  alloc(): number {
    return this.free.length > 0 ? this.free.pop()! : this.next++;
  }

  release(gids: ArrayLike<number>, count: number): void {
    for (let i = 0; i < count; i++) this.free.push(gids[i]!);
  }

  get live(): number {
    return this.next - this.free.length;
  }
}
