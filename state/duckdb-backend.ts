// The durable StateBackend: every query's operator state, source positions and sink markers in one DuckDB
// file per state directory, committed one epoch per transaction.
import { quotedIdentifier } from '@duckdb/node-api';
import { InternalError, TidemarkError } from '../parser/errors.ts';
import type { Schema } from '../planner/types.ts';
import type { CheckpointInfo, CheckpointRecord, OnStateMismatch, StateBackend, StateSummary, StateTable } from './state-backend.ts';
import { inTransaction, openStateDatabase, queryRows, Serial, type StateDatabase } from './duckdb-database.ts';
import {
  dropQueryState,
  ensureCatalog,
  lastCommittedEpoch,
  readCheckpoint,
  recordStateTable,
  storedFingerprint,
  writeCheckpoint,
} from './catalog-tables.ts';
import { DuckDBStateTable } from './duckdb-state-table.ts';
import { createStageSql, createTableSql, describeTable, layoutMismatch, layoutOf } from './state-table-sql.ts';

/**
 * Opens (creating if needed) the state directory `dir` and its `state.duckdb`. Refuses, with a
 * TidemarkError: 'state-locked' (open here or in another process), 'state-corrupt' (not a DuckDB file, or
 * damaged), 'state-layout' (another layout version, or not Tidemark's), 'state-refused' (not a writable
 * directory).
 */
export async function openDuckDBBackend(dir: string): Promise<StateBackend> {
  const db = await openStateDatabase(dir);
  try {
    await ensureCatalog(db.connection, dir);
    return new DuckDBBackend(db, await lastCommittedEpoch(db.connection));
  } catch (err) {
    db.release();
    throw err;
  }
}

class DuckDBBackend implements StateBackend {
  /** Open state tables by table name. */
  private readonly tables = new Map<string, DuckDBStateTable>();
  /** Query name → fingerprint, for every query registered on this backend. */
  private readonly registered = new Map<string, string>();
  /** Registrations not yet in tidemark_queries: written with the next commit, like the query's state. */
  private readonly unrecorded = new Map<string, string>();
  /** Every use of the shared connection goes through here, so no statement lands in another's transaction. */
  private readonly serial = new Serial();
  private stageCount = 0;
  private closed = false;

  constructor(
    private readonly db: StateDatabase,
    private lastEpoch: number | undefined,
  ) {}

  restore(): Promise<CheckpointInfo | undefined> {
    return this.exclusive(() => readCheckpoint(this.db.connection));
  }

  describe(): Promise<StateSummary> {
    return this.exclusive(async () => {
      const c = this.db.connection;
      const checkpoint = await readCheckpoint(c);
      const queries = (await queryRows(c, `SELECT name, fingerprint, created_at FROM tidemark_queries ORDER BY name`)).map(([name, fingerprint, createdAt]) => ({
        name: name as string,
        fingerprint: fingerprint as string,
        createdAt: createdAt as Date,
      }));
      const tables = [];
      for (const [table, query, operator] of await queryRows(c, `SELECT table_name, query, operator FROM tidemark_tables ORDER BY table_name`)) {
        const [[rows]] = (await queryRows(c, `SELECT count(*) FROM ${quotedIdentifier(table as string)}`)) as [[bigint | number]];
        tables.push({ table: table as string, query: (query as string | null) ?? null, operator: operator as string, rows: Number(rows) });
      }
      return { checkpoint, queries, tables };
    });
  }

  registerQuery(query: string, fingerprint: string, onMismatch: OnStateMismatch): Promise<boolean> {
    return this.exclusive(async () => {
      const stored = await storedFingerprint(this.db.connection, query);
      if (stored === fingerprint) {
        this.registered.set(query, fingerprint);
        return true;
      }
      if (stored !== undefined && onMismatch === 'error') {
        throw new TidemarkError({
          code: 'state-mismatch',
          message: `the state of query "${query}" in "${this.db.dir}" was written by a different query`,
          hint:
            `the query "${query}" changed since its state was written; ` +
            `rerun with --fresh (or onStateMismatch: 'discard') to start it over`,
        });
      }
      // A changed query starts over; a new name may find tables left by a run that never committed.
      if (stored !== undefined || this.unrecorded.get(query) !== fingerprint) await this.dropState(query);
      this.registered.set(query, fingerprint);
      this.unrecorded.set(query, fingerprint);
      return false;
    });
  }

  table(operatorId: string, name: string, schema: Schema, key: readonly string[]): Promise<StateTable> {
    return this.exclusive(async () => {
      const spec = { table: `state_${operatorId}_${name}`, stage: `tidemark_stage_${this.stageCount}`, schema, key };
      checkKey(spec.table, schema, key);
      const expected = layoutOf(spec);
      const open = this.tables.get(spec.table);
      if (open) {
        const found = layoutOf(open.spec);
        if (found !== expected) throw layoutMismatch(spec.table, found, expected);
        return open;
      }
      const connection = this.db.connection;
      const found = await describeTable(connection, spec.table);
      if (found === undefined) {
        await inTransaction(connection, async () => {
          await connection.run(createTableSql(spec));
          await recordStateTable(connection, spec.table, this.ownerOf(operatorId), operatorId, name);
        });
      } else if (found !== expected) {
        throw layoutMismatch(spec.table, found, expected);
      }
      await connection.run(createStageSql(spec));
      this.stageCount++;
      const table = new DuckDBStateTable(this.db, spec);
      this.tables.set(spec.table, table);
      return table;
    });
  }

  commit(record: CheckpointRecord): Promise<void> {
    return this.exclusive(async () => {
      if (!Number.isSafeInteger(record.epoch) || (this.lastEpoch !== undefined && record.epoch <= this.lastEpoch)) {
        throw new InternalError(
          `checkpoint epoch ${record.epoch} does not follow the committed epoch ${this.lastEpoch}`,
        );
      }
      const tables = [...this.tables.values()];
      const changes = tables.map((t) => t.takeStaged());
      const connection = this.db.connection;
      try {
        await inTransaction(connection, async () => {
          for (const [i, table] of tables.entries()) await table.apply(connection, changes[i]!);
          await writeCheckpoint(connection, record, this.unrecorded, new Date());
        });
      } catch (err) {
        tables.forEach((t, i) => t.restoreStaged(changes[i]!));
        throw err;
      }
      this.lastEpoch = record.epoch;
      this.unrecorded.clear();
    });
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      await this.db.close();
    });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.serial.run(() => {
      if (this.closed) throw new InternalError(`the state backend of "${this.db.dir}" is closed`);
      return task();
    });
  }

  /** The registered query an operator belongs to: the longest registered name its id starts with. */
  private ownerOf(operatorId: string): string | undefined {
    let owner: string | undefined;
    for (const query of this.registered.keys()) {
      if (operatorId.startsWith(query) && query.length > (owner?.length ?? -1)) owner = query;
    }
    return owner;
  }

  private async dropState(query: string): Promise<void> {
    const connection = this.db.connection;
    for (const table of await dropQueryState(connection, query)) {
      const open = this.tables.get(table);
      if (!open) continue;
      this.tables.delete(table);
      await connection.run(`DROP TABLE IF EXISTS temp.main.${quotedIdentifier(open.spec.stage)}`);
    }
    this.unrecorded.delete(query);
  }
}

function checkKey(table: string, schema: Schema, key: readonly string[]): void {
  const names = new Set(schema.fields.map((f) => f.name));
  if (key.length === 0 || key.some((k) => !names.has(k)) || new Set(key).size !== key.length) {
    throw new InternalError(`state table ${table}: key [${key.join(', ')}] is not a set of its columns`);
  }
}
