// Makes a session aggregate's open sessions durable: one state row per session, keyed by its creation number.
import type * as A from 'apache-arrow';
import { BIGINT, type Field, type Schema, type SqlType, TIMESTAMP } from '../../planner/types.ts';
import type { StateTable } from '../../state/state-backend.ts';
import type { Accumulator } from '../aggregates/accumulator.ts';
import type { KeyStore } from '../hash/key-store.ts';
import type { OperatorContext } from '../operator.ts';
import { makeBatch } from '../vector/arrow-types.ts';
import { fromCol, numbersOf } from '../vector/columns.ts';
import { takeDirty } from './window-state-log.ts';

/** What the log reads from, and rebuilds into, the session operator. */
export interface SessionState {
  readonly id: string;
  readonly keyTypes: readonly SqlType[];
  readonly keys: KeyStore;
  readonly accs: Accumulator[];
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly seq: Float64Array;
  readonly kidOf: Int32Array;
  restoreKey(hash: number, row: number): number;
  newSession(kid: number, start: number, end: number, seq?: number): number;
}

export class SessionStateLog {
  private table?: StateTable;
  private restoring = false;
  private dirty: Uint8Array = new Uint8Array(1024);
  private dirtyList: number[] = [];
  /** Creation numbers of sessions that fired or merged away since the last checkpoint. */
  private removed: number[] = [];

  constructor(private readonly state: SessionState) {}

  grow(capacity: number): void {
    const dirty = new Uint8Array(capacity);
    dirty.set(this.dirty);
    this.dirty = dirty;
  }

  touched(sid: number): void {
    if (!this.table || this.restoring || this.dirty[sid] === 1) return;
    this.dirty[sid] = 1;
    this.dirtyList.push(sid);
  }

  /** The session fired or merged into another: its row goes (its id may be reused). */
  dropped(sid: number): void {
    if (!this.table) return;
    this.dirty[sid] = 0;
    this.removed.push(this.state.seq[sid]!);
  }

  private schema(): Schema {
    const fields: Field[] = [
      { name: 'seq', type: BIGINT, nullable: false },
      { name: 'window_start', type: TIMESTAMP, nullable: false },
      { name: 'window_end', type: TIMESTAMP, nullable: false },
      ...this.state.keyTypes.map((type, i) => ({ name: `k${i}`, type, nullable: true })),
    ];
    this.state.accs.forEach((acc, a) => fields.push(...acc.stateFields.map((f) => ({ ...f, name: `a${a}_${f.name}` }))));
    return { fields };
  }

  async open(ctx: OperatorContext): Promise<void> {
    if (!ctx.state) return;
    this.table = await ctx.state.table(this.state.id, 'sessions', this.schema(), ['seq']);
    if (!ctx.restoring) return;
    this.restoring = true;
    const nKeys = this.state.keyTypes.length;
    for await (const batch of this.table.scan()) {
      const cols = batch.data.children;
      const n = batch.numRows;
      const seqs = numbersOf(cols[0]!, BIGINT);
      const starts = numbersOf(cols[1]!, TIMESTAMP);
      const ends = numbersOf(cols[2]!, TIMESTAMP);
      const hashes = this.state.keys.bindBatch(cols.slice(3, 3 + nKeys), n);
      const sids = new Int32Array(n);
      for (let i = 0; i < n; i++) sids[i] = this.state.newSession(this.state.restoreKey(hashes[i]!, i), starts[i]!, ends[i]!, seqs[i]!);
      let c = 3 + nKeys;
      for (const acc of this.state.accs) {
        const width = acc.stateFields.length;
        acc.load(cols.slice(c, c + width), sids);
        c += width;
      }
    }
    this.restoring = false;
  }

  async checkpoint(): Promise<void> {
    if (!this.table) return;
    const changed = takeDirty(this.dirtyList, this.dirty);
    this.dirtyList = [];
    if (changed.length > 0) {
      const sids = Int32Array.from(changed);
      const { seq, start, end, keys, kidOf } = this.state;
      const n = sids.length;
      const kids = Int32Array.from(sids, (s) => kidOf[s]!);
      const columns: A.Data[] = [
        fromCol({ kind: 'num', values: Float64Array.from(sids, (s) => seq[s]!), nulls: null }, BIGINT, n),
        fromCol({ kind: 'num', values: Float64Array.from(sids, (s) => start[s]!), nulls: null }, TIMESTAMP, n),
        fromCol({ kind: 'num', values: Float64Array.from(sids, (s) => end[s]!), nulls: null }, TIMESTAMP, n),
        ...this.state.keyTypes.map((_, i) => keys.gather(i, kids)),
      ];
      for (const acc of this.state.accs) columns.push(...acc.save(sids));
      this.table.upsert(makeBatch(this.schema(), columns, n));
    }
    if (this.removed.length > 0) {
      const seqs = Float64Array.from(this.removed);
      this.removed = [];
      const keySchema: Schema = { fields: [this.schema().fields[0]!] };
      this.table.remove(makeBatch(keySchema, [fromCol({ kind: 'num', values: seqs, nulls: null }, BIGINT, seqs.length)], seqs.length));
    }
  }
}
