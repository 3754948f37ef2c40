// One operator state table in DuckDB: stages Arrow batches in memory, applies them set-based at commit,
// and reads the committed rows back as Arrow batches.
import type * as A from 'apache-arrow';
import { BOOLEAN, DuckDBDataChunk, INTEGER, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { InternalError } from '../parser/errors.ts';
import { typeToString, type Field } from '../planner/types.ts';
import type { StateTable } from './state-backend.ts';
import { CHUNK_ROWS, writeBytes, writeColumn, writeNulls } from './arrow-to-duckdb.ts';
import { BatchAssembler } from './duckdb-to-arrow.ts';
import { duckdbType, hasArrowLayout } from './duckdb-types.ts';
import { queryRows, type StateDatabase } from './duckdb-database.ts';
import { tableStatements, type StateTableSpec } from './state-table-sql.ts';

/** Rows per batch that scan() yields. */
export const SCAN_BATCH_ROWS = 64 * 1024;

/** A staged batch, its columns lined up with the table schema (undefined: not given, NULL when staged). */
export interface StagedChange {
  readonly kind: 'upsert' | 'remove';
  readonly length: number;
  readonly columns: readonly (A.Data | undefined)[];
}

/** A state table; its changes pass through a TEMP stage table (the appender's target) at commit. */
export class DuckDBStateTable implements StateTable {
  private staged: StagedChange[] = [];
  private readonly keyIndexes: ReadonlySet<number>;
  private readonly stageTypes: DuckDBType[];
  private readonly sql: ReturnType<typeof tableStatements>;

  constructor(
    private readonly db: StateDatabase,
    readonly spec: StateTableSpec,
  ) {
    const { schema, key } = spec;
    this.keyIndexes = new Set(key.map((k) => schema.fields.findIndex((f) => f.name === k)));
    this.stageTypes = [...schema.fields.map((f) => duckdbType(f.type)), INTEGER, BOOLEAN];
    this.sql = tableStatements(spec);
  }

  upsert(rows: A.RecordBatch): void {
    this.stage('upsert', rows);
  }

  remove(keys: A.RecordBatch): void {
    this.stage('remove', keys);
  }

  async *scan(): AsyncIterable<A.RecordBatch> {
    // Its own connection: a scan sees committed rows only and never interleaves with a commit.
    const connection = await this.db.connect();
    try {
      const result = await connection.stream(this.sql.scan);
      const assembler = new BatchAssembler(this.spec.schema, SCAN_BATCH_ROWS);
      for (;;) {
        if (this.db.closed) throw new InternalError(`${this.spec.table} was scanned after its backend closed`);
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        if (!assembler.fits(chunk.rowCount)) yield assembler.take();
        assembler.add(chunk);
      }
      if (assembler.length > 0) yield assembler.take();
    } finally {
      this.db.disconnect(connection);
    }
  }

  /** Hands over the staged changes for a commit. */
  takeStaged(): StagedChange[] {
    const taken = this.staged;
    this.staged = [];
    return taken;
  }

  /** Puts back the changes of a failed commit, ahead of anything staged since. */
  restoreStaged(changes: readonly StagedChange[]): void {
    this.staged = [...changes, ...this.staged];
  }

  /** Applies changes in the caller's transaction; of several changes to one key, the last staged wins. */
  async apply(connection: DuckDBConnection, changes: readonly StagedChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.fillStage(connection, changes);
    const [[duplicated]] = (await queryRows(connection, this.sql.hasDuplicates)) as [[boolean]];
    if (duplicated) await connection.run(this.sql.keepLast);
    if (changes.some((c) => c.kind === 'remove')) await connection.run(this.sql.remove);
    if (changes.some((c) => c.kind === 'upsert')) {
      if (this.sql.update) await connection.run(this.sql.update);
      await connection.run(this.sql.insert);
    }
    await connection.run(this.sql.clearStage);
  }

  private stage(kind: StagedChange['kind'], batch: A.RecordBatch): void {
    if (batch.numRows === 0) return;
    const columns = this.spec.schema.fields.map((field, i) =>
      kind === 'upsert' || this.keyIndexes.has(i) ? this.column(batch, field, i, kind) : undefined,
    );
    this.staged.push({ kind, length: batch.numRows, columns });
  }

  private column(batch: A.RecordBatch, field: Field, index: number, kind: StagedChange['kind']): A.Data {
    const at = batch.schema.fields.findIndex((f) => f.name === field.name);
    const data = batch.data.children[at];
    const where = `${kind} batch for ${this.spec.table}`;
    if (!data) throw new InternalError(`${where} lacks column "${field.name}"`);
    if (!hasArrowLayout(data.type, field.type)) {
      const wanted = typeToString(field.type);
      throw new InternalError(`${where}: column "${field.name}" is ${String(data.type)}, not ${wanted}`);
    }
    if (this.keyIndexes.has(index) && data.nullCount > 0) {
      throw new InternalError(`${where}: key column "${field.name}" holds NULL`);
    }
    return data;
  }

  /** Bulk-appends the changes to the stage table, one data chunk per 2048 rows. */
  private async fillStage(connection: DuckDBConnection, changes: readonly StagedChange[]): Promise<void> {
    const appender = await connection.createAppender(this.spec.stage, 'main', 'temp');
    const chunk = DuckDBDataChunk.create(this.stageTypes);
    const fields = this.spec.schema.fields;
    const vector = (i: number): duckdb.Vector => duckdb.data_chunk_get_vector(chunk.chunk, i);
    try {
      let seq = 0;
      for (const change of changes) {
        const removed = new Uint8Array(CHUNK_ROWS).fill(change.kind === 'remove' ? 1 : 0);
        for (let start = 0; start < change.length; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, change.length - start);
          chunk.reset();
          fields.forEach((field, i) => {
            const column = change.columns[i];
            if (column) writeColumn(vector(i), column, field.type, start, n);
            else writeNulls(vector(i), field.type, n);
          });
          writeBytes(vector(fields.length), sequence(seq + start, n));
          writeBytes(vector(fields.length + 1), removed.subarray(0, n));
          chunk.rowCount = n;
          appender.appendDataChunk(chunk);
        }
        seq += change.length;
      }
      appender.closeSync(); // flushes
    } catch (err) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // the transaction is rolled back anyway; the first error is the one worth reporting
      }
      throw err;
    }
  }
}

function sequence(from: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = from + i;
  return out;
}
