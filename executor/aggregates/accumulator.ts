// Per-group aggregate state in typed arrays indexed by group id, updated a batch at a time.
import type * as A from 'apache-arrow';
import type { Field } from '../../planner/types.ts';

export interface Accumulator {
  /** Makes room for group ids below `capacity`. */
  grow(capacity: number): void;
  /** Starts group `gid` empty. */
  init(gid: number): void;
  /** Adds row i to group gids[i] (rows with gids[i] < 0 are skipped); `arg` is undefined for COUNT(*). */
  update(gids: Int32Array, n: number, arg: A.Data | undefined): void;
  /** Folds group `from` into group `into` (session windows that merge); `from` is then discarded. */
  merge(into: number, from: number): void;
  /** Final values of groups `gids`, as a column of the aggregate's result type. */
  result(gids: Int32Array): A.Data;
  /** The columns that hold this state durably (names are prefixed by the operator). */
  readonly stateFields: readonly Field[];
  save(gids: Int32Array): A.Data[];
  load(columns: readonly A.Data[], gids: Int32Array): void;
}

export function growF64(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array, n: number): Uint8Array {
  if (a.length >= n) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export function gatherF64(a: Float64Array, gids: Int32Array): Float64Array {
  const out = new Float64Array(gids.length);
  for (let i = 0; i < gids.length; i++) out[i] = a[gids[i]!]!;
  return out;
}
