// Makes a window aggregate's groups durable: which changed since the last checkpoint, which fired, and restore.
import type * as A from 'apache-arrow';
import { type Field, INT, type Schema, type SqlType, TIMESTAMP } from '../../planner/types.ts';
import type { StateTable } from '../../state/state-backend.ts';
import type { Accumulator } from '../aggregates/accumulator.ts';
import type { KeyStore } from '../hash/key-store.ts';
import type { OperatorContext } from '../operator.ts';
import { makeBatch } from '../vector/arrow-types.ts';
import { fromCol, numbersOf } from '../vector/columns.ts';
import type { OpenWindow } from './window-aggregate.ts';

/** What the log reads from, and rebuilds into, the operator that owns the groups. */
export interface GroupState {
  readonly id: string;
  readonly keyTypes: readonly SqlType[];
  readonly keys: KeyStore;
  readonly accs: Accumulator[];
  windowAt(end: number): OpenWindow | undefined;
  openWindow(start: number, end: number): OpenWindow;
  newGroup(win: OpenWindow, hash: number, row: number): number;
}

/**
 * One state row per group, keyed by (window_end, seq) where seq is the group's arrival order in its
 * window, so a restore rebuilds each window's groups in the order they are emitted in.
 */
export class WindowStateLog {
  private table?: StateTable;
  private dirty: Uint8Array;
  private dirtyList: number[] = [];
  private seqOf: Int32Array;
  private startOf: Float64Array;
  private endOf: Float64Array;
  /** How many groups of each window (by end) the state table holds, to remove them when it fires. */
  private readonly persisted = new Map<number, number>();
  private removals: { end: number; count: number }[] = [];

  constructor(private readonly state: GroupState, capacity: number) {
    this.dirty = new Uint8Array(capacity);
    this.seqOf = new Int32Array(capacity);
    this.startOf = new Float64Array(capacity);
    this.endOf = new Float64Array(capacity);
  }

  grow(capacity: number): void {
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a);
      return b;
    };
    this.dirty = grow(this.dirty);
    this.seqOf = grow(this.seqOf);
    this.startOf = grow(this.startOf);
    this.endOf = grow(this.endOf);
  }

  created(g: number, win: OpenWindow, seq: number): void {
    this.seqOf[g] = seq;
    this.startOf[g] = win.start;
    this.endOf[g] = win.end;
  }

  /** Group g changed; only tracked when state is durable. */
  touched(g: number): void {
    if (this.table && this.dirty[g] === 0) {
      this.dirty[g] = 1;
      this.dirtyList.push(g);
    }
  }

  closed(w: OpenWindow): void {
    for (let i = 0; i < w.index.size; i++) this.dirty[w.index.gids[i]!] = 0; // the id may be reused
    const persisted = this.persisted.get(w.end);
    if (persisted) {
      this.removals.push({ end: w.end, count: persisted });
      this.persisted.delete(w.end);
    }
  }

  private schema(): Schema {
    const fields: Field[] = [
      { name: 'window_end', type: TIMESTAMP, nullable: false },
      { name: 'seq', type: INT, nullable: false },
      { name: 'window_start', type: TIMESTAMP, nullable: false },
      ...this.state.keyTypes.map((type, i) => ({ name: `k${i}`, type, nullable: true })),
    ];
    this.state.accs.forEach((acc, a) => fields.push(...acc.stateFields.map((f) => ({ ...f, name: `a${a}_${f.name}` }))));
    return { fields };
  }

  /** Creates the state table and, when resuming, rebuilds every open window's groups from it. */
  async open(ctx: OperatorContext): Promise<void> {
    if (!ctx.state) return;
    this.table = await ctx.state.table(this.state.id, 'groups', this.schema(), ['window_end', 'seq']);
    if (!ctx.restoring) return;
    const { keys, accs } = this.state;
    const nKeys = this.state.keyTypes.length;
    for await (const batch of this.table.scan()) {
      const cols = batch.data.children;
      const n = batch.numRows;
      const ends = numbersOf(cols[0]!, TIMESTAMP);
      const starts = numbersOf(cols[2]!, TIMESTAMP);
      const hashes = keys.bindBatch(cols.slice(3, 3 + nKeys), n);
      const gids = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const win = this.state.windowAt(ends[i]!) ?? this.state.openWindow(starts[i]!, ends[i]!);
        gids[i] = this.state.newGroup(win, hashes[i]!, i);
        this.persisted.set(win.end, win.index.size);
      }
      let c = 3 + nKeys;
      for (const acc of accs) {
        const width = acc.stateFields.length;
        acc.load(cols.slice(c, c + width), gids);
        c += width;
      }
    }
  }

  /** Stages the groups changed since the last checkpoint, and removes those of windows that fired. */
  async checkpoint(): Promise<void> {
    if (!this.table) return;
    const changed = takeDirty(this.dirtyList, this.dirty);
    this.dirtyList = [];
    if (changed.length > 0) {
      const gids = Int32Array.from(changed);
      for (const g of changed) {
        const end = this.endOf[g]!;
        this.persisted.set(end, Math.max(this.persisted.get(end) ?? 0, this.seqOf[g]! + 1));
      }
      const n = gids.length;
      const columns: A.Data[] = [
        timestamps(Float64Array.from(gids, (g) => this.endOf[g]!)),
        fromCol({ kind: 'num', values: Float64Array.from(gids, (g) => this.seqOf[g]!), nulls: null }, INT, n),
        timestamps(Float64Array.from(gids, (g) => this.startOf[g]!)),
        ...this.state.keyTypes.map((_, i) => this.state.keys.gather(i, gids)),
      ];
      for (const acc of this.state.accs) columns.push(...acc.save(gids));
      this.table.upsert(makeBatch(this.schema(), columns, n));
    }
    if (this.removals.length > 0) {
      const total = this.removals.reduce((s, r) => s + r.count, 0);
      const ends = new Float64Array(total);
      const seqs = new Float64Array(total);
      let k = 0;
      for (const r of this.removals)
        for (let s = 0; s < r.count; s++) {
          ends[k] = r.end;
          seqs[k++] = s;
        }
      this.removals = [];
      const keySchema: Schema = { fields: this.schema().fields.slice(0, 2) };
      this.table.remove(makeBatch(keySchema, [timestamps(ends), fromCol({ kind: 'num', values: seqs, nulls: null }, INT, total)], total));
    }
  }
}

/**
 * The ids still marked dirty, each once, clearing the marks: an id freed and reused since it was listed
 * appears twice in `list`, and a freed one is no longer marked.
 */
export function takeDirty(list: readonly number[], dirty: Uint8Array): number[] {
  const out: number[] = [];
  for (const id of list) {
    if (dirty[id] !== 1) continue;
    dirty[id] = 0;
    out.push(id);
  }
  return out;
}

function timestamps(values: Float64Array): A.Data {
  return fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, values.length);
}
