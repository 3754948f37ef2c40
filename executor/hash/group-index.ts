// An open-addressing hash index from keys to group ids, for one window; remembers insertion order.
import type { KeyStore } from './key-store.ts';

export class GroupIndex {
  private slots: Int32Array; // group id + 1; 0 = empty
  private slotHash: Uint32Array;
  private mask: number;
  /** Group ids in the order their keys first arrived: the order a window's rows are emitted in. */
  gids: Int32Array;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.slots = new Int32Array(cap);
    this.slotHash = new Uint32Array(cap);
    this.mask = cap - 1;
    this.gids = new Int32Array(Math.max(8, capacity));
  }

  /**
   * The group of batch row `row` (hash `h`), or -1 when the key is new (then the caller allocates an
   * id and calls insert()).
   */
  find(h: number, row: number, keys: KeyStore): number {
    let s = h & this.mask;
    for (;;) {
      const g1 = this.slots[s]!;
      if (g1 === 0) return -1;
      if (this.slotHash[s] === h && keys.equals(g1 - 1, row)) return g1 - 1;
      s = (s + 1) & this.mask;
    }
  }

  insert(h: number, gid: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.rehash();
    let s = h & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = gid + 1;
    this.slotHash[s] = h;
    if (this.size === this.gids.length) {
      const grown = new Int32Array(this.gids.length * 2);
      grown.set(this.gids);
      this.gids = grown;
    }
    this.gids[this.size++] = gid;
  }

  private rehash(): void {
    const oldSlots = this.slots;
    const oldHash = this.slotHash;
    const cap = oldSlots.length * 2;
    this.slots = new Int32Array(cap);
    this.slotHash = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const g1 = oldSlots[i]!;
      if (g1 === 0) continue;
      let s = oldHash[i]! & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = g1;
      this.slotHash[s] = oldHash[i]!;
    }
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
