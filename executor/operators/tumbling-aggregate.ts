// GROUP BY over tumbling windows: typed-array group state per open window, emitted when the watermark passes its end.
import * as A from 'apache-arrow';
import type { AggCall } from '../../planner/bound-expr.ts';
import type { WindowGroup, WindowSpec } from '../../planner/logical-plan.ts';
import { type Field, INT, type Schema, type SqlType, TIMESTAMP } from '../../planner/types.ts';
import type { StateTable } from '../../state/state-backend.ts';
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
import { windowStart } from './window-bounds.ts';

interface OpenWindow {
  readonly start: number;
  readonly index: GroupIndex;
}

export interface TumblingAggregateSpec {
  readonly id: string;
  readonly window: WindowSpec;
  readonly groups: readonly WindowGroup[];
  readonly aggregates: readonly AggCall[];
  readonly schema: Schema;
}

export class TumblingAggregate implements Operator {
  readonly id: string;
  private readonly window: WindowSpec;
  private readonly groups: readonly WindowGroup[];
  private readonly keyTypes: readonly SqlType[];
  private readonly keyExprs: ((cols: readonly A.Data[], n: number) => A.Data)[];
  private readonly argExprs: (((cols: readonly A.Data[], n: number) => A.Data) | undefined)[];
  private readonly keys: KeyStore;
  private readonly accs: Accumulator[];
  private readonly ids = new GroupIds();
  private readonly windows = new Map<number, OpenWindow>();
  private starts: number[] = []; // open window starts, ascending: the firing order
  private readonly outSchema: A.Schema;
  private capacity = 1024;
  private wm = -Infinity;
  private late = 0;

  // Checkpoint bookkeeping (only when durable): groups changed since the last checkpoint, and
  // how many groups of each window the state table holds, so a fired window's rows can be removed.
  private durable = false;
  private table?: StateTable;
  private dirty: Uint8Array = new Uint8Array(1024);
  private dirtyList: number[] = [];
  private seqOf: Int32Array = new Int32Array(1024);
  private windowOf: Float64Array = new Float64Array(1024);
  private persisted = new Map<number, number>();
  private removals: { start: number; count: number }[] = [];

  constructor(spec: TumblingAggregateSpec, private readonly next: Downstream) {
    this.id = spec.id;
    this.window = spec.window;
    this.groups = spec.groups;
    const keyExprs = spec.groups.flatMap((g) => (g.kind === 'key' ? [g.expr] : []));
    this.keyTypes = keyExprs.map((e) => e.type);
    this.keyExprs = keyExprs.map(compileToData);
    this.argExprs = spec.aggregates.map((a) => (a.arg ? compileToData(a.arg) : undefined));
    this.keys = new KeyStore(this.keyTypes, this.capacity);
    this.accs = spec.aggregates.map(createAccumulator);
    this.accs.forEach((a) => a.grow(this.capacity));
    this.outSchema = arrowSchema(spec.schema);
  }
  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const ts = numbersOf(cols[this.window.timeColumn]!, TIMESTAMP);
    const keyData = runKernel(this.id, () => this.keyExprs.map((e) => e(cols, n)));
    const argData = runKernel(this.id, () => this.argExprs.map((e) => e?.(cols, n)));
    const hashes = this.keys.bindBatch(keyData, n);
    const gids = new Int32Array(n);
    const rw = batch.rowWatermarks;
    const { size, offset } = this.window;
    let lastStart = NaN;
    let lastEnd = NaN;
    let win: OpenWindow | undefined;
    for (let i = 0; i < n; i++) {
      const t = ts[i]!;
      // Consecutive rows mostly share a window: skip the modulo then.
      const start = t >= lastStart && t < lastEnd ? lastStart : windowStart(t, size, offset);
      // Late: the window already ended by the watermark this row arrived under (SPEC §2).
      if (start + size <= (rw ? rw[i]! : this.wm)) {
        gids[i] = -1;
        this.late++;
        continue;
      }
      if (start !== lastStart) {
        win = this.windows.get(start) ?? this.openWindow(start);
        lastStart = start;
        lastEnd = start + size;
      }
      const h = hashes[i]!;
      let g = win!.index.find(h, i, this.keys);
      if (g < 0) g = this.newGroup(win!, h, i);
      gids[i] = g;
      if (this.durable && this.dirty[g] === 0) {
        this.dirty[g] = 1;
        this.dirtyList.push(g);
      }
    }
    for (let a = 0; a < this.accs.length; a++) this.accs[a]!.update(gids, n, argData[a]);
  }

  private openWindow(start: number): OpenWindow {
    const w: OpenWindow = { start, index: new GroupIndex() };
    this.windows.set(start, w);
    let i = this.starts.length;
    while (i > 0 && this.starts[i - 1]! > start) i--;
    this.starts.splice(i, 0, start);
    return w;
  }

  private newGroup(win: OpenWindow, h: number, row: number): number {
    const g = this.ids.alloc();
    if (g >= this.capacity) this.grow(g + 1);
    this.keys.store(g, row);
    for (const acc of this.accs) acc.init(g);
    win.index.insert(h, g);
    this.seqOf[g] = win.index.size - 1;
    this.windowOf[g] = win.start;
    return g;
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    this.capacity = cap;
    this.keys.grow(cap);
    for (const acc of this.accs) acc.grow(cap);
    const dirty = new Uint8Array(cap);
    dirty.set(this.dirty);
    this.dirty = dirty;
    const seq = new Int32Array(cap);
    seq.set(this.seqOf);
    this.seqOf = seq;
    const wof = new Float64Array(cap);
    wof.set(this.windowOf);
    this.windowOf = wof;
  }

  watermark(ms: number): void {
    if (ms <= this.wm) return;
    this.wm = ms;
    const size = this.window.size;
    let fired = 0;
    while (fired < this.starts.length && this.starts[fired]! + size <= ms) fired++;
    if (fired > 0) {
      const closing = this.starts.splice(0, fired).map((s) => this.windows.get(s)!);
      this.emit(closing);
      for (const w of closing) this.close(w);
    }
    this.next.watermark(ms);
  }

  /** One output batch with every group of the windows that fire, window by window, in arrival order. */
  private emit(closing: readonly OpenWindow[]): void {
    let total = 0;
    for (const w of closing) total += w.index.size;
    if (total === 0) return;
    const gids = new Int32Array(total);
    const starts = new Float64Array(total);
    let k = 0;
    for (const w of closing) {
      gids.set(w.index.gids.subarray(0, w.index.size), k);
      starts.fill(w.start, k, k + w.index.size);
      k += w.index.size;
    }
    const size = this.window.size;
    let keyIndex = 0;
    const columns = this.groups.map((g) => {
      if (g.kind === 'key') return this.keys.gather(keyIndex++, gids);
      const shift = g.column === 'window_start' ? 0 : g.column === 'window_end' ? size : size - 1;
      const values = shift === 0 ? starts : starts.map((s) => s + shift);
      return fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, total);
    });
    for (const acc of this.accs) columns.push(acc.result(gids));
    this.next.push({ data: makeBatch(this.outSchema, columns, total) });
  }

  private close(w: OpenWindow): void {
    const { gids, size } = w.index;
    for (let i = 0; i < size; i++) {
      this.keys.release(gids[i]!);
      this.dirty[gids[i]!] = 0;
    }
    this.ids.release(gids, size);
    this.windows.delete(w.start);
    const persisted = this.persisted.get(w.start);
    if (persisted) {
      this.removals.push({ start: w.start, count: persisted });
      this.persisted.delete(w.start);
    }
    if (this.windows.size === 0) this.keys.compact([], 0);
  }

  // ---- durability ----

  private stateSchema(): Schema {
    const fields: Field[] = [
      { name: 'window_start', type: TIMESTAMP, nullable: false },
      { name: 'seq', type: INT, nullable: false },
      ...this.keyTypes.map((type, i) => ({ name: `k${i}`, type, nullable: true })),
    ];
    this.accs.forEach((acc, a) => fields.push(...acc.stateFields.map((f) => ({ ...f, name: `a${a}_${f.name}` }))));
    return { fields };
  }

  async open(ctx: OperatorContext): Promise<void> {
    if (!ctx.state) return;
    this.durable = true;
    const schema = this.stateSchema();
    this.table = await ctx.state.table(this.id, 'groups', schema, ['window_start', 'seq']);
    if (!ctx.restoring) return;
    const nKeys = this.keyTypes.length;
    for await (const batch of this.table.scan()) {
      const cols = batch.data.children;
      const n = batch.numRows;
      const starts = numbersOf(cols[0]!, TIMESTAMP);
      const hashes = this.keys.bindBatch(cols.slice(2, 2 + nKeys), n);
      const gids = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const win = this.windows.get(starts[i]!) ?? this.openWindow(starts[i]!);
        gids[i] = this.newGroup(win, hashes[i]!, i);
        this.persisted.set(win.start, win.index.size);
      }
      let c = 2 + nKeys;
      for (const acc of this.accs) {
        const width = acc.stateFields.length;
        acc.load(cols.slice(c, c + width), gids);
        c += width;
      }
    }
  }

  async checkpoint(): Promise<void> {
    if (!this.table) return;
    const changed = this.dirtyList.filter((g) => this.dirty[g] === 1);
    this.dirtyList = [];
    if (changed.length > 0) {
      const gids = Int32Array.from(changed);
      for (const g of changed) {
        this.dirty[g] = 0;
        const start = this.windowOf[g]!;
        this.persisted.set(start, Math.max(this.persisted.get(start) ?? 0, this.seqOf[g]! + 1));
      }
      const n = gids.length;
      const columns: A.Data[] = [
        fromCol({ kind: 'num', values: Float64Array.from(gids, (g) => this.windowOf[g]!), nulls: null }, TIMESTAMP, n),
        fromCol({ kind: 'num', values: Float64Array.from(gids, (g) => this.seqOf[g]!), nulls: null }, INT, n),
        ...this.keyTypes.map((_, i) => this.keys.gather(i, gids)),
      ];
      for (const acc of this.accs) columns.push(...acc.save(gids));
      this.table.upsert(makeBatch(this.stateSchema(), columns, n));
    }
    if (this.removals.length > 0) {
      const total = this.removals.reduce((s, r) => s + r.count, 0);
      const starts = new Float64Array(total);
      const seqs = new Float64Array(total);
      let k = 0;
      for (const r of this.removals)
        for (let s = 0; s < r.count; s++) {
          starts[k] = r.start;
          seqs[k++] = s;
        }
      this.removals = [];
      const keySchema: Schema = { fields: this.stateSchema().fields.slice(0, 2) };
      this.table.remove(
        makeBatch(keySchema, [fromCol({ kind: 'num', values: starts, nulls: null }, TIMESTAMP, total), fromCol({ kind: 'num', values: seqs, nulls: null }, INT, total)], total),
      );
    }
  }

  stats(): OperatorStats {
    return { id: this.id, lateRowsDropped: this.late, stateRows: this.ids.live };
  }
}
