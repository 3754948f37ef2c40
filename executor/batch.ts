// The unit that flows between operators: an Arrow RecordBatch plus what SPEC §2 and §3 need per row.
import type { RecordBatch } from 'apache-arrow';

/** Row kinds of a changelog (SPEC §3), as stored in `StreamBatch.ops`. */
export const enum RowKind {
  Insert = 0, // +I
  UpdateBefore = 1, // -U
  UpdateAfter = 2, // +U
  Delete = 3, // -D
}
export const ROW_KIND_NAMES = ['+I', '-U', '+U', '-D'] as const;
export type RowKindName = (typeof ROW_KIND_NAMES)[number];

export interface StreamBatch {
  /** Rows in arrival order. Never mutated once emitted. Children always have offset 0. */
  readonly data: RecordBatch;
  /**
   * The event-time watermark in force before each row (epoch ms, non-decreasing): the one its
   * predecessors produced (SPEC §2). Absent when every row sees the receiving operator's current
   * watermark, as for rows an operator emits when a watermark fires windows.
   */
  readonly rowWatermarks?: Float64Array;
  /** Row kinds (RowKind). Absent means every row is an insert (+I). */
  readonly ops?: Uint8Array;
}


/** The batch's columns as Arrow Data, in schema order. */
export function columnsOf(batch: StreamBatch): readonly import('apache-arrow').Data[] {
  return batch.data.data.children;
}
