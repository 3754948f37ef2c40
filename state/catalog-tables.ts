// The tidemark_* metadata tables: layout version, checkpoints, query fingerprints, source positions, sink
// markers, accepted-row counts and which state table belongs to which query.
import { quotedIdentifier, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { TidemarkError } from '../parser/errors.ts';
import type { CheckpointInfo, CheckpointRecord } from './state-backend.ts';
import { inTransaction, queryRows } from './duckdb-database.ts';

/** Bump when the tables below or the state tables' encoding change; older directories are then refused. */
export const LAYOUT_VERSION = 1;

/** How many checkpoint rows to keep: the latest matters, a few more help when reading a directory by hand. */
const CHECKPOINT_HISTORY = 10;

const CATALOG_DDL = [
  `CREATE TABLE tidemark_meta ("key" VARCHAR PRIMARY KEY, "value" VARCHAR NOT NULL)`,
  `CREATE TABLE tidemark_checkpoints (epoch BIGINT PRIMARY KEY, committed_at TIMESTAMP NOT NULL)`,
  `CREATE TABLE tidemark_queries (name VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL,
     created_at TIMESTAMP NOT NULL)`,
  `CREATE TABLE tidemark_tables (table_name VARCHAR PRIMARY KEY, query VARCHAR, operator VARCHAR NOT NULL,
     name VARCHAR NOT NULL)`,
  `CREATE TABLE tidemark_positions (query VARCHAR, source VARCHAR, "position" VARCHAR NOT NULL,
     watermark DOUBLE NOT NULL, PRIMARY KEY (query, source))`,
  `CREATE TABLE tidemark_sinks (query VARCHAR, sink VARCHAR, marker VARCHAR NOT NULL, PRIMARY KEY (query, sink))`,
  `CREATE TABLE tidemark_accepted (source VARCHAR PRIMARY KEY, "rows" BIGINT NOT NULL)`,
];

/** Creates the metadata tables in a new database, or checks the layout version of an existing one. */
export async function ensureCatalog(connection: DuckDBConnection, dir: string): Promise<void> {
  const tables = new Set(
    (
      await queryRows(
        connection,
        `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'`,
      )
    ).map(([name]) => name as string),
  );
  if (tables.size === 0) {
    await inTransaction(connection, async () => {
      for (const ddl of CATALOG_DDL) await connection.run(ddl);
      await connection.run(`INSERT INTO tidemark_meta VALUES ('layout_version', ?), ('created_at', now()::VARCHAR)`, [
        String(LAYOUT_VERSION),
      ]);
    });
    return;
  }
  const found = tables.has('tidemark_meta')
    ? (await queryRows(connection, `SELECT "value" FROM tidemark_meta WHERE "key" = 'layout_version'`))[0]?.[0]
    : undefined;
  if (found === String(LAYOUT_VERSION)) return;
  throw new TidemarkError({
    code: 'state-layout',
    message:
      found === undefined
        ? `state directory "${dir}" holds a DuckDB database that is not Tidemark state ` +
          `(no layout version in tidemark_meta)`
        : `state directory "${dir}" has state layout version ${String(found)}; ` +
          `this Tidemark reads version ${LAYOUT_VERSION}`,
    hint: 'open it with the Tidemark version that wrote it, or start over in a new state directory',
  });
}

export async function lastCommittedEpoch(connection: DuckDBConnection): Promise<number | undefined> {
  const [[epoch]] = (await queryRows(connection, `SELECT max(epoch) FROM tidemark_checkpoints`)) as [[bigint | null]];
  return epoch === null ? undefined : Number(epoch);
}

export async function readCheckpoint(connection: DuckDBConnection): Promise<CheckpointInfo | undefined> {
  const [latest] = await queryRows(
    connection,
    `SELECT epoch, epoch_ms(committed_at) FROM tidemark_checkpoints ORDER BY epoch DESC LIMIT 1`,
  );
  if (!latest) return undefined;
  const positions = await queryRows(
    connection,
    `SELECT query, source, "position", watermark FROM tidemark_positions ORDER BY query, source`,
  );
  const sinks = await queryRows(connection, `SELECT query, sink, marker FROM tidemark_sinks ORDER BY query, sink`);
  const accepted = await queryRows(connection, `SELECT source, "rows" FROM tidemark_accepted ORDER BY source`);
  return {
    epoch: Number(latest[0]),
    committedAt: new Date(Number(latest[1])),
    positions: positions.map(([query, source, position, watermark]) => ({
      query: query as string,
      source: source as string,
      position: JSON.parse(position as string) as unknown,
      watermark: watermark as number,
    })),
    sinks: sinks.map(([query, sink, marker]) => ({
      query: query as string,
      sink: sink as string,
      marker: JSON.parse(marker as string) as unknown,
    })),
    accepted: Object.fromEntries(accepted.map(([source, rows]) => [source as string, Number(rows)])),
  };
}

/**
 * Writes the record's rows (inside the caller's transaction): each position, marker and count replaces
 * the previous one under its key, so queries that did not run this time keep theirs.
 */
export async function writeCheckpoint(
  connection: DuckDBConnection,
  record: CheckpointRecord,
  newQueries: ReadonlyMap<string, string>,
  committedAt: Date,
): Promise<void> {
  const at = BigInt(committedAt.getTime());
  await insertRows(
    connection,
    `INSERT OR REPLACE INTO tidemark_queries`,
    `(?, ?, epoch_ms(?::BIGINT))`,
    [...newQueries].map(([name, fingerprint]) => [name, fingerprint, at]),
  );
  await insertRows(
    connection,
    `INSERT OR REPLACE INTO tidemark_positions`,
    `(?, ?, ?, ?::DOUBLE)`,
    lastPerKey(record.positions, (p) => [p.query, p.source]).map((p) => [
      p.query,
      p.source,
      JSON.stringify(p.position ?? null),
      p.watermark,
    ]),
  );
  await insertRows(
    connection,
    `INSERT OR REPLACE INTO tidemark_sinks`,
    `(?, ?, ?)`,
    lastPerKey(record.sinks, (s) => [s.query, s.sink]).map((s) => [s.query, s.sink, JSON.stringify(s.marker ?? null)]),
  );
  await insertRows(
    connection,
    `INSERT OR REPLACE INTO tidemark_accepted`,
    `(?, ?::BIGINT)`,
    Object.entries(record.accepted).map(([source, rows]) => [source, BigInt(rows)]),
  );
  await connection.run(`INSERT INTO tidemark_checkpoints VALUES (?::BIGINT, epoch_ms(?::BIGINT))`, [
    BigInt(record.epoch),
    at,
  ]);
  await connection.run(
    `DELETE FROM tidemark_checkpoints WHERE epoch NOT IN
       (SELECT epoch FROM tidemark_checkpoints ORDER BY epoch DESC LIMIT ${CHECKPOINT_HISTORY})`,
  );
}

/** The last item for each key: INSERT OR REPLACE would keep the first of two rows with one key. */
function lastPerKey<T>(items: readonly T[], key: (item: T) => readonly string[]): T[] {
  return [...new Map(items.map((item) => [JSON.stringify(key(item)), item])).values()];
}

/** One multi-row INSERT for a handful of catalog rows (nothing when there are none). */
async function insertRows(
  connection: DuckDBConnection,
  insert: string,
  placeholders: string,
  rows: readonly DuckDBValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  await connection.run(`${insert} VALUES ${rows.map(() => placeholders).join(', ')}`, rows.flat());
}

export async function storedFingerprint(connection: DuckDBConnection, query: string): Promise<string | undefined> {
  const [row] = await queryRows(connection, `SELECT fingerprint FROM tidemark_queries WHERE name = ?`, [query]);
  return row?.[0] as string | undefined;
}

/**
 * Drops a query's state tables and forgets its fingerprint, positions and markers, in one transaction.
 * Tables recorded without an owner are matched by the `state_<query>_` prefix. Returns the dropped tables.
 */
export async function dropQueryState(connection: DuckDBConnection, query: string): Promise<string[]> {
  const tables = (
    await queryRows(
      connection,
      `SELECT table_name FROM tidemark_tables
       WHERE query = ? OR (query IS NULL AND starts_with(table_name, ?))`,
      [query, `state_${query}_`],
    )
  ).map(([name]) => name as string);
  await inTransaction(connection, async () => {
    for (const table of tables) {
      await connection.run(`DROP TABLE IF EXISTS ${quotedIdentifier(table)}`);
      await connection.run(`DELETE FROM tidemark_tables WHERE table_name = ?`, [table]);
    }
    await connection.run(`DELETE FROM tidemark_positions WHERE query = ?`, [query]);
    await connection.run(`DELETE FROM tidemark_sinks WHERE query = ?`, [query]);
    await connection.run(`DELETE FROM tidemark_queries WHERE name = ?`, [query]);
  });
  return tables;
}

/** Records which query and operator a state table belongs to (inside the caller's transaction). */
export async function recordStateTable(
  connection: DuckDBConnection,
  table: string,
  query: string | undefined,
  operator: string,
  name: string,
): Promise<void> {
  await connection.run(`INSERT OR REPLACE INTO tidemark_tables VALUES (?, ?, ?, ?)`, [
    table,
    query ?? null,
    operator,
    name,
  ]);
}
