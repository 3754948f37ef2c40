// GROUP BY over SESSION windows: per key, sessions that grow and merge as rows arrive, emitted once the watermark passes their end.
import type * as A from 'apache-arrow';
import { type Schema, type SqlType, TIMESTAMP } from '../../planner/types.ts';
import type { Accumulator } from '../aggregates/accumulator.ts';
import { createAccumulator } from '../aggregates/create.ts';
import { type StreamBatch, columnsOf } from '../batch.ts';
import { compileToData } from '../expr/evaluate.ts';
import { GroupIds, GroupIndex } from '../hash/group-index.ts';
import { KeyStore } from '../hash/key-store.ts';
import type { Downstream, Operator, OperatorContext, OperatorStats } from '../operator.ts';
import { arrowSchema, makeBatch } from '../vector/arrow-types.ts';
import { fromCol, numbersOf } from '../vector/columns.ts';
import { runKernel } from './run-kernel.ts';
import { SessionStateLog } from './session-state-log.ts';
import type { WindowAggregateSpec } from './window-aggregate.ts';

type ColumnEval = (cols: readonly A.Data[], n: number) => A.Data;

/**
 * Keys are interned once (`kid`); each open session has an id (`sid`) that also indexes the
 * accumulators, its bounds [start, end), its key, a creation number (`seq`, the emission order among
 * sessions ending together) and the next session of the same key (a short linked list).
 */
export class SessionAggregate implements Operator {
  readonly id: string;
  readonly keyTypes: readonly SqlType[];
  readonly keys: KeyStore;
  readonly accs: Accumulator[];
  private readonly gap: number;
  private readonly timeColumn: number;
  private readonly spec: WindowAggregateSpec;
  private readonly keyExprs: ColumnEval[];
  private readonly argExprs: (ColumnEval | undefined)[];
  private keyIndex = new GroupIndex();
  private readonly keyIds = new GroupIds();
  private keyHash: Uint32Array = new Uint32Array(1024);
  private keyAlive: Uint8Array = new Uint8Array(1024);
  private keyDead: Uint8Array = new Uint8Array(1024); // alive, but without open sessions
  private head: Int32Array = new Int32Array(1024).fill(-1); // by kid: first open session, or -1
  private readonly sids = new GroupIds();
  start: Float64Array = new Float64Array(1024);
  end: Float64Array = new Float64Array(1024);
  seq: Float64Array = new Float64Array(1024);
  kidOf: Int32Array = new Int32Array(1024);
  private next: Int32Array = new Int32Array(1024);
  private readonly live = new Set<number>(); // open sessions
  private nextSeq = 0;
  private keyCapacity = 1024;
  private capacity = 1024;
  private wm = -Infinity;
  private late = 0;
  private deadKeys = 0;
  private readonly outSchema: A.Schema;
  private readonly log: SessionStateLog;

  constructor(spec: WindowAggregateSpec, private readonly out: Downstream) {
    this.id = spec.id;
    this.spec = spec;
    this.gap = spec.window.size;
    this.timeColumn = spec.window.timeColumn;
    const keyExprs = spec.groups.flatMap((g) => (g.kind === 'key' ? [g.expr] : []));
    this.keyTypes = keyExprs.map((e) => e.type);
    this.keyExprs = keyExprs.map(compileToData);
    this.argExprs = spec.aggregates.map((a) => (a.arg ? compileToData(a.arg) : undefined));
    this.keys = new KeyStore(this.keyTypes, this.keyCapacity);
    this.accs = spec.aggregates.map(createAccumulator);
    this.accs.forEach((a) => a.grow(this.capacity));
    this.outSchema = arrowSchema(spec.schema);
    this.log = new SessionStateLog(this);
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const ts = numbersOf(cols[this.timeColumn]!, TIMESTAMP);
    const keyData = runKernel(this.id, () => this.keyExprs.map((e) => e(cols, n)));
    const argData = runKernel(this.id, () => this.argExprs.map((e) => e?.(cols, n)));
    const hashes = this.keys.bindBatch(keyData, n);
    const watermarks = batch.rowWatermarks;
    const gids = new Int32Array(n);
    const merges: number[] = []; // pairs (from, into), applied after the rows, in order
    for (let i = 0; i < n; i++) {
      const kid = this.keyOf(hashes[i]!, i);
      gids[i] = this.place(kid, ts[i]!, watermarks ? watermarks[i]! : this.wm, merges);
    }
    for (let a = 0; a < this.accs.length; a++) this.accs[a]!.update(gids, n, argData[a]);
    // Merged-away sessions hold rows of this batch until now: fold them into the session that absorbed them.
    for (let m = 0; m < merges.length; m += 2) {
      const from = merges[m]!;
      const into = merges[m + 1]!;
      for (const acc of this.accs) acc.merge(into, from);
      this.sids.release([from], 1);
    }
  }

  /** The interned id of batch row `row`'s key. */
  private keyOf(h: number, row: number): number {
    let kid = this.keyIndex.find(h, row, this.keys);
    if (kid >= 0) return kid;
    kid = this.keyIds.alloc();
    if (kid >= this.keyCapacity) this.growKeys(kid + 1);
    this.keys.store(kid, row);
    this.keyIndex.insert(h, kid);
    this.keyHash[kid] = h;
    this.keyAlive[kid] = 1;
    this.head[kid] = -1;
    return kid;
  }

  /**
   * Puts a row at time t of key kid in a session (SPEC §2): it joins and merges every open session its
   * [t, t + gap) touches; touching none, it starts one unless t + gap <= W (then it is late: -1).
   */
  private place(kid: number, t: number, w: number, merges: number[]): number {
    const lo = t;
    const hi = t + this.gap;
    // Open sessions of one key never touch each other, so only sessions the row touches can merge. A
    // session whose end the row's watermark has passed is closed for it, although it fires only after
    // the batch: so results do not depend on where batches are cut.
    let target = -1;
    for (let s = this.head[kid]!; s >= 0; ) {
      const following = this.next[s]!;
      if (lo <= this.end[s]! && hi >= this.start[s]! && this.end[s]! > w) {
        if (target < 0) target = s;
        else if (this.seq[s]! < this.seq[target]!) {
          this.absorb(target, s, merges, kid); // the older session keeps its identity
          target = s;
        } else this.absorb(s, target, merges, kid);
      }
      s = following;
    }
    if (target < 0) {
      if (hi <= w) {
        this.late++;
        return -1;
      }
      return this.newSession(kid, lo, hi);
    }
    if (lo < this.start[target]!) this.start[target] = lo;
    if (hi > this.end[target]!) this.end[target] = hi;
    this.log.touched(target);
    return target;
  }

  /** Session `from` merges into `into`: bounds now, accumulators after the batch's rows are added. */
  private absorb(from: number, into: number, merges: number[], kid: number): void {
    if (this.start[from]! < this.start[into]!) this.start[into] = this.start[from]!;
    if (this.end[from]! > this.end[into]!) this.end[into] = this.end[from]!;
    this.unlink(kid, from);
    this.live.delete(from);
    this.log.dropped(from);
    this.log.touched(into);
    merges.push(from, into);
  }

  private unlink(kid: number, sid: number): void {
    if (this.head[kid] === sid) {
      this.head[kid] = this.next[sid]!;
      return;
    }
    for (let s = this.head[kid]!; s >= 0; s = this.next[s]!) {
      if (this.next[s] === sid) {
        this.next[s] = this.next[sid]!;
        return;
      }
    }
  }

  newSession(kid: number, start: number, end: number, seq = this.nextSeq++): number {
    const sid = this.sids.alloc();
    if (sid >= this.capacity) this.grow(sid + 1);
    this.start[sid] = start;
    this.end[sid] = end;
    this.seq[sid] = seq;
    if (seq >= this.nextSeq) this.nextSeq = seq + 1;
    this.kidOf[sid] = kid;
    if (this.keyDead[kid]) {
      this.keyDead[kid] = 0; // the key is back before it was forgotten
      this.deadKeys--;
    }
    this.next[sid] = this.head[kid]!;
    this.head[kid] = sid;
    this.live.add(sid);
    for (const acc of this.accs) acc.init(sid);
    this.log.touched(sid);
    return sid;
  }

  /** Restore: the key of batch row `row` (bound with `keys.bindBatch`). */
  restoreKey(h: number, row: number): number {
    return this.keyOf(h, row);
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    this.capacity = cap;
    const grow = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.start = grow(this.start);
    this.end = grow(this.end);
    this.seq = grow(this.seq);
    this.kidOf = grow(this.kidOf);
    this.next = grow(this.next);
    for (const acc of this.accs) acc.grow(cap);
    this.log.grow(cap);
  }

  private growKeys(min: number): void {
    let cap = this.keyCapacity;
    while (cap < min) cap *= 2;
    this.keyCapacity = cap;
    this.keys.grow(cap);
    const head = new Int32Array(cap).fill(-1);
    head.set(this.head);
    this.head = head;
    const hashes = new Uint32Array(cap);
    hashes.set(this.keyHash);
    this.keyHash = hashes;
    const alive = new Uint8Array(cap);
    alive.set(this.keyAlive);
    this.keyAlive = alive;
    const dead = new Uint8Array(cap);
    dead.set(this.keyDead);
    this.keyDead = dead;
  }

  watermark(ms: number): void {
    if (ms <= this.wm) return;
    this.wm = ms;
    const fired = [...this.live].filter((s) => this.end[s]! <= ms);
    if (fired.length > 0) {
      fired.sort((a, b) => this.end[a]! - this.end[b]! || this.seq[a]! - this.seq[b]!);
      this.emit(Int32Array.from(fired));
      for (const s of fired) this.closeSession(s);
      this.compactKeys();
    }
    this.out.watermark(ms);
  }

  private emit(sids: Int32Array): void {
    const n = sids.length;
    const kids = Int32Array.from(sids, (s) => this.kidOf[s]!);
    const starts = Float64Array.from(sids, (s) => this.start[s]!);
    const ends = Float64Array.from(sids, (s) => this.end[s]!);
    let keyIndex = 0;
    const columns = this.spec.groups.map((g) => {
      if (g.kind === 'key') return this.keys.gather(keyIndex++, kids);
      const values = g.column === 'window_start' ? starts : g.column === 'window_end' ? ends : ends.map((e) => e - 1);
      return fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, n);
    });
    for (const acc of this.accs) columns.push(acc.result(sids));
    this.out.push({ data: makeBatch(this.outSchema, columns, n) });
  }

  private closeSession(sid: number): void {
    const kid = this.kidOf[sid]!;
    this.unlink(kid, sid);
    this.live.delete(sid);
    this.sids.release([sid], 1);
    this.log.dropped(sid);
    if (this.head[kid] === -1) {
      this.keyDead[kid] = 1;
      this.deadKeys++;
    }
  }

  /** Keys without open sessions are forgotten once they outnumber the live ones (state stays bounded). */
  private compactKeys(): void {
    const live = this.keyIds.live - this.deadKeys;
    if (this.deadKeys < 1024 || this.deadKeys < live) return;
    const index = new GroupIndex(live);
    const kept: number[] = [];
    const freed: number[] = [];
    for (let kid = 0; kid < this.keyIds.next; kid++) {
      if (this.head[kid] !== -1) {
        index.insert(this.keyHash[kid]!, kid);
        kept.push(kid);
      } else if (this.keyAlive[kid]) freed.push(kid);
    }
    for (const kid of freed) {
      this.keys.release(kid);
      this.keyAlive[kid] = 0;
      this.keyDead[kid] = 0;
    }
    this.keyIds.release(freed, freed.length);
    this.keyIndex = index;
    this.keys.compact(kept, kept.length);
    this.deadKeys = 0;
  }

  open(ctx: OperatorContext): Promise<void> {
    return this.log.open(ctx);
  }

  checkpoint(): Promise<void> {
    return this.log.checkpoint();
  }

  stats(): OperatorStats {
    return { id: this.id, lateRowsDropped: this.late, stateRows: this.live.size };
  }
}
