// The seam between operators and durable state: operators keep hot state in memory and hand the
// backend their changes in bulk at checkpoints; the backend commits everything of one epoch at once.
import type { RecordBatch } from 'apache-arrow';
import type { Schema } from '../planner/types.ts';

/** Where one source of one query had read to, and its watermark, at a checkpoint. */
export interface SourcePosition {
  readonly query: string;
  readonly source: string;
  /** Connector-specific and JSON-serializable: `{ offset, line }` for files, `{ rows }` for memory. */
  readonly position: unknown;
  /** The source's watermark (epoch ms; -Infinity before any row, +Infinity after end of input). */
  readonly watermark: number;
}

/** A sink's commit marker at a checkpoint, e.g. `{ bytes }` committed to an output file. */
export interface SinkMarker {
  readonly query: string;
  readonly sink: string;
  readonly marker: unknown;
}

/** Everything one checkpoint commits besides operator state. */
export interface CheckpointRecord {
  readonly epoch: number;
  readonly positions: readonly SourcePosition[];
  readonly sinks: readonly SinkMarker[];
  /** Rows accepted so far by each memory table of the engine (SPEC §4: `engine.checkpoint()`). */
  readonly accepted: Readonly<Record<string, number>>;
}

export interface CheckpointInfo extends CheckpointRecord {
  readonly committedAt: Date;
}

/** What to do when a query name's stored plan fingerprint differs from the running query's. */
export type OnStateMismatch = 'error' | 'discard';

/** What a state directory holds, for `tidemark state DIR`. */
export interface StateSummary {
  readonly checkpoint?: CheckpointInfo;
  readonly queries: readonly { readonly name: string; readonly fingerprint: string; readonly createdAt: Date }[];
  readonly tables: readonly { readonly table: string; readonly query: string | null; readonly operator: string; readonly rows: number }[];
}

export interface StateBackend {
  /** The last checkpoint, the queries and the state tables with their row counts. */
  describe(): Promise<StateSummary>;
  /** The last committed checkpoint, or undefined for a fresh state directory. */
  restore(): Promise<CheckpointInfo | undefined>;
  /**
   * Ties a query name to its plan fingerprint. A fresh name is recorded (at the next commit); the same
   * fingerprint means resume. A different one throws TidemarkError 'state-mismatch', or with 'discard'
   * drops that query's state tables, positions and markers (at once) and records the new fingerprint.
   * Returns true when the query has committed state to resume from.
   */
  registerQuery(query: string, fingerprint: string, onMismatch: OnStateMismatch): Promise<boolean>;
  /**
   * The table `state_<operatorId>_<name>` (operator ids start with their query's name), created on
   * first use. `key` names the columns that identify a row; they are never NULL.
   */
  table(operatorId: string, name: string, schema: Schema, key: readonly string[]): Promise<StateTable>;
  /** Applies every table's staged changes and the record in one transaction. */
  commit(record: CheckpointRecord): Promise<void>;
  close(): Promise<void>;
}

export interface StateTable {
  /** Rows (all columns of the schema) whose keys changed since the last commit; staged for commit. */
  upsert(rows: RecordBatch): void;
  /** Keys (the key columns only) dropped by the watermark or TTL; staged for commit. */
  remove(keys: RecordBatch): void;
  /** The committed rows, ordered by the key columns. */
  scan(): AsyncIterable<RecordBatch>;
}
