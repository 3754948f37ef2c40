// GROUP BY over TUMBLE, HOP and CUMULATE windows: typed-array group state per open window, emitted when the watermark passes its end.
import type * as A from 'apache-arrow';
import type { AggCall } from '../../planner/bound-expr.ts';
import type { WindowGroup, WindowSpec } from '../../planner/logical-plan.ts';
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
import { maxWindowsPerRow, windowStart, windowsOf } from './window-bounds.ts';
import { type GroupState, WindowStateLog } from './window-state-log.ts';

/** One open window, identified by its end (unique among the windows of one spec). */
export interface OpenWindow {
  readonly start: number;
  readonly end: number;
  readonly index: GroupIndex;
}

export interface WindowAggregateSpec {
  readonly id: string;
  readonly window: WindowSpec;
  readonly groups: readonly WindowGroup[];
  readonly aggregates: readonly AggCall[];
  readonly schema: Schema;
}

type ColumnEval = (cols: readonly A.Data[], n: number) => A.Data;

export class WindowAggregate implements Operator, GroupState {
  readonly id: string;
  readonly keyTypes: readonly SqlType[];
  readonly keys: KeyStore;
  readonly accs: Accumulator[];
  private readonly window: WindowSpec;
  private readonly groups: readonly WindowGroup[];
  private readonly keyExprs: ColumnEval[];
  private readonly argExprs: (ColumnEval | undefined)[];
  private readonly ids = new GroupIds();
  private readonly windows = new Map<number, OpenWindow>();
  private ends: number[] = []; // open window ends, ascending: the firing order
  private readonly outSchema: A.Schema;
  private capacity = 1024;
  private wm = -Infinity;
  private late = 0;
  private readonly log: WindowStateLog;

  constructor(spec: WindowAggregateSpec, private readonly next: Downstream) {
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
    this.log = new WindowStateLog(this, this.capacity);
  }

  push(batch: StreamBatch): void {
    const n = batch.data.numRows;
    const cols = columnsOf(batch);
    const ts = numbersOf(cols[this.window.timeColumn]!, TIMESTAMP);
    const keyData = runKernel(this.id, () => this.keyExprs.map((e) => e(cols, n)));
    const argData = runKernel(this.id, () => this.argExprs.map((e) => e?.(cols, n)));
    const hashes = this.keys.bindBatch(keyData, n);
    // Late: a window already ended by the watermark the row arrived under (SPEC §2).
    const watermarks = batch.rowWatermarks;
    const gidsPerSlot = this.window.kind === 'tumble' ? [this.assignTumbling(ts, hashes, watermarks, n)] : this.assignMany(ts, hashes, watermarks, n);
    for (const gids of gidsPerSlot) for (let a = 0; a < this.accs.length; a++) this.accs[a]!.update(gids, n, argData[a]);
  }

  /** TUMBLE: one window per row; consecutive rows mostly share it, so the modulo is skipped then. */
  private assignTumbling(ts: Float64Array, hashes: Uint32Array, watermarks: Float64Array | undefined, n: number): Int32Array {
    const gids = new Int32Array(n);
    const { size, offset } = this.window;
    let lastStart = NaN;
    let lastEnd = NaN;
    let win: OpenWindow | undefined;
    for (let i = 0; i < n; i++) {
      const t = ts[i]!;
      const start = t >= lastStart && t < lastEnd ? lastStart : windowStart(t, size, offset);
      if (start + size <= (watermarks ? watermarks[i]! : this.wm)) {
        gids[i] = -1;
        this.late++;
        continue;
      }
      if (start !== lastStart) {
        lastStart = start;
        lastEnd = start + size;
        win = this.windows.get(lastEnd) ?? this.openWindow(start, lastEnd);
      }
      gids[i] = this.groupOf(win!, hashes[i]!, i);
    }
    return gids;
  }

  /**
   * HOP and CUMULATE: a row joins every window it falls in that is still open; gids[k][i] is row i's
   * group in its k-th window (or -1). A row late for some of its windows counts once as late.
   */
  private assignMany(ts: Float64Array, hashes: Uint32Array, watermarks: Float64Array | undefined, n: number): Int32Array[] {
    const slots = maxWindowsPerRow(this.window);
    const gids = Array.from({ length: slots }, () => new Int32Array(n).fill(-1));
    const starts = new Float64Array(slots + 1);
    const ends = new Float64Array(slots + 1);
    for (let i = 0; i < n; i++) {
      const count = windowsOf(this.window, ts[i]!, starts, ends);
      const w = watermarks ? watermarks[i]! : this.wm;
      let late = false;
      for (let k = 0; k < count; k++) {
        const end = ends[k]!;
        if (end <= w) {
          late = true;
          continue;
        }
        const win = this.windows.get(end) ?? this.openWindow(starts[k]!, end);
        gids[k]![i] = this.groupOf(win, hashes[i]!, i);
      }
      if (late) this.late++;
    }
    return gids;
  }

  private groupOf(win: OpenWindow, h: number, row: number): number {
    let g = win.index.find(h, row, this.keys);
    if (g < 0) g = this.newGroup(win, h, row);
    this.log.touched(g);
    return g;
  }

  openWindow(start: number, end: number): OpenWindow {
    const w: OpenWindow = { start, end, index: new GroupIndex() };
    this.windows.set(end, w);
    let i = this.ends.length;
    while (i > 0 && this.ends[i - 1]! > end) i--;
    this.ends.splice(i, 0, end);
    return w;
  }

  /** A new group in `win` for the key of batch row `row`. */
  newGroup(win: OpenWindow, h: number, row: number): number {
    const g = this.ids.alloc();
    if (g >= this.capacity) this.grow(g + 1);
    this.keys.store(g, row);
    for (const acc of this.accs) acc.init(g);
    win.index.insert(h, g);
    this.log.created(g, win, win.index.size - 1);
    return g;
  }

  windowAt(end: number): OpenWindow | undefined {
    return this.windows.get(end);
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    this.capacity = cap;
    this.keys.grow(cap);
    for (const acc of this.accs) acc.grow(cap);
    this.log.grow(cap);
  }

  watermark(ms: number): void {
    if (ms <= this.wm) return;
    this.wm = ms;
    let fired = 0;
    while (fired < this.ends.length && this.ends[fired]! <= ms) fired++;
    if (fired > 0) {
      const closing = this.ends.splice(0, fired).map((e) => this.windows.get(e)!);
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
    const ends = new Float64Array(total);
    let k = 0;
    for (const w of closing) {
      gids.set(w.index.gids.subarray(0, w.index.size), k);
      starts.fill(w.start, k, k + w.index.size);
      ends.fill(w.end, k, k + w.index.size);
      k += w.index.size;
    }
    let keyIndex = 0;
    const columns = this.groups.map((g) => {
      if (g.kind === 'key') return this.keys.gather(keyIndex++, gids);
      const values = g.column === 'window_start' ? starts : g.column === 'window_end' ? ends : ends.map((e) => e - 1);
      return fromCol({ kind: 'num', values, nulls: null }, TIMESTAMP, total);
    });
    for (const acc of this.accs) columns.push(acc.result(gids));
    this.next.push({ data: makeBatch(this.outSchema, columns, total) });
  }

  private close(w: OpenWindow): void {
    const { gids, size } = w.index;
    for (let i = 0; i < size; i++) this.keys.release(gids[i]!);
    this.ids.release(gids, size);
    this.windows.delete(w.end);
    this.log.closed(w);
    if (this.windows.size === 0) this.keys.compact([], 0);
  }

  open(ctx: OperatorContext): Promise<void> {
    return this.log.open(ctx);
  }

  checkpoint(): Promise<void> {
    return this.log.checkpoint();
  }

  stats(): OperatorStats {
    return { id: this.id, lateRowsDropped: this.late, stateRows: this.ids.live };
  }
}
