// Opens the one DuckDB database of a state directory, refusing directories that are in use, damaged or
// not writable, and keeps at most one instance per database file in this process.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue, type JS } from '@duckdb/node-api';
import { InternalError, TidemarkError } from '../parser/errors.ts';

export const DATABASE_FILE = 'state.duckdb';

/**
 * One thread: on a 2-core machine a second one made each 100k-row commit cost ~60 % more CPU without
 * making it faster, and the engine's own thread needs the other core. The memory limit stops DuckDB from
 * sizing its buffer pool at 80 % of RAM. Extensions are never fetched: the ones Tidemark uses are built
 * in, and a network attempt would only stall.
 */
const INSTANCE_OPTIONS: Readonly<Record<string, string>> = {
  threads: '1',
  memory_limit: '1GB',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/**
 * Real paths of the state directories open in this process. DuckDB locks a file against other processes
 * only: a second instance on the same file in this process opens without complaint and the two would
 * corrupt it.
 */
const openDirs = new Set<string>();

/** The open database of a state directory: one instance, a main connection, and connections for scans. */
export class StateDatabase {
  private readonly scans = new Set<DuckDBConnection>();
  private open = true;

  constructor(
    /** The directory as the caller named it, for messages. */
    readonly dir: string,
    private readonly realDir: string,
    private readonly instance: DuckDBInstance,
    /** The connection for catalog work and commits. */
    readonly connection: DuckDBConnection,
  ) {}

  get closed(): boolean {
    return !this.open;
  }

  /** Another connection, for a scan; give it back with disconnect(). */
  async connect(): Promise<DuckDBConnection> {
    if (!this.open) throw new InternalError(`the state database of "${this.dir}" is closed`);
    const connection = await this.instance.connect();
    this.scans.add(connection);
    return connection;
  }

  disconnect(connection: DuckDBConnection): void {
    connection.closeSync();
    this.scans.delete(connection);
  }

  /**
   * Checkpoints, then closes every connection and the instance. A result still held by an unfinished scan
   * keeps DuckDB's database alive until it is garbage-collected, and DuckDB writes a checkpoint when it
   * finally shuts down: doing that here first leaves it nothing to write into a file reopened meanwhile.
   */
  async close(): Promise<void> {
    if (!this.open) return;
    for (const connection of this.scans) connection.interrupt();
    try {
      await this.connection.run('CHECKPOINT');
    } finally {
      this.release();
    }
  }

  /** Closes without a checkpoint, for a database that is refused: nothing is written to it. */
  release(): void {
    if (!this.open) return;
    this.open = false;
    for (const connection of this.scans) connection.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
    openDirs.delete(this.realDir);
  }
}

export async function openStateDatabase(dir: string): Promise<StateDatabase> {
  const realDir = await prepareDirectory(dir);
  if (openDirs.has(realDir)) {
    throw new TidemarkError({
      code: 'state-locked',
      message: `state directory "${dir}" is already open in this process`,
      hint: 'close the engine that uses it first, or choose another state directory',
    });
  }
  openDirs.add(realDir);
  try {
    const file = path.join(realDir, DATABASE_FILE);
    const existed = fs.existsSync(file);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, { ...INSTANCE_OPTIONS });
    } catch (err) {
      throw openError(dir, errorMessage(err), existed);
    }
    try {
      return new StateDatabase(dir, realDir, instance, await instance.connect());
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  } catch (err) {
    openDirs.delete(realDir);
    throw err;
  }
}

/** Creates the directory if missing and checks that it is a writable directory; returns its real path. */
async function prepareDirectory(dir: string): Promise<string> {
  const absolute = path.resolve(dir);
  try {
    await fs.promises.mkdir(absolute, { recursive: true });
    const stat = await fs.promises.stat(absolute);
    if (!stat.isDirectory()) throw new Error('it exists and is not a directory');
    await fs.promises.access(absolute, fs.constants.R_OK | fs.constants.W_OK);
    return await fs.promises.realpath(absolute);
  } catch (err) {
    throw refused(dir, errorMessage(err));
  }
}

function openError(dir: string, reason: string, existed: boolean): TidemarkError {
  if (/could not set lock on file/i.test(reason)) {
    return new TidemarkError({
      code: 'state-locked',
      message: `state directory "${dir}" is locked: ${reason}`,
      hint: 'another tidemark run is using it; stop that run, or choose another state directory',
    });
  }
  if (/permission denied|read-only file system/i.test(reason)) return refused(dir, reason);
  if (!existed) return refused(dir, reason);
  if (/version number/i.test(reason)) {
    return new TidemarkError({
      code: 'state-layout',
      message: `state directory "${dir}" was written by another DuckDB storage version: ${reason}`,
      hint: 'open it with the Tidemark version that wrote it, or start over in a new state directory',
    });
  }
  return new TidemarkError({
    code: 'state-corrupt',
    message: `state directory "${dir}" holds a damaged or foreign ${DATABASE_FILE}: ${reason}`,
    hint: `Tidemark never overwrites it; move ${DATABASE_FILE} away to start over, or choose another state directory`,
  });
}

function refused(dir: string, reason: string): TidemarkError {
  return new TidemarkError({
    code: 'state-refused',
    message: `cannot use "${dir}" as a state directory: ${reason}`,
    hint: 'choose a directory Tidemark can create and write to',
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work` in one transaction: committed if it resolves, rolled back (and rethrown) if it throws. */
export async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  let result: T;
  try {
    result = await work();
    await connection.run('COMMIT');
  } catch (err) {
    // After a failed COMMIT DuckDB has already ended the transaction, so this ROLLBACK may fail too.
    await connection.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return result;
}

/** The rows of a small catalog query as plain JS values (BIGINT → bigint, lists → arrays). */
export async function queryRows(connection: DuckDBConnection, sql: string, params?: DuckDBValue[]): Promise<JS[][]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowsJS();
}

/** Serializes async work on a connection: DuckDB must not see one task's statements inside another's transaction. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
