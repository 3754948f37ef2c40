import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { arrowType } from '../../executor/vector/arrow-types.ts';
import { openDuckDBBackend } from '../../state/duckdb-backend.ts';
import type { CheckpointRecord, StateBackend } from '../../state/state-backend.ts';
import { BIGINT, BOOLEAN, DOUBLE, INT, TIMESTAMP, VARCHAR, decimal } from '../../planner/types.ts';
import { batchOf, removeTempDirs, rowsOf, scanRows, schemaOf, tempDir, type Row } from './helpers.ts';

const open: StateBackend[] = [];
async function backendIn(dir: string): Promise<StateBackend> {
  const backend = await openDuckDBBackend(dir);
  open.push(backend);
  return backend;
}
async function reopen(backend: StateBackend, dir: string): Promise<StateBackend> {
  await backend.close();
  return backendIn(dir);
}
afterEach(async () => {
  for (const b of open.splice(0)) await b.close().catch(() => undefined);
});
afterAll(removeTempDirs);

const record = (epoch: number, extra: Partial<CheckpointRecord> = {}): CheckpointRecord => ({
  epoch,
  positions: [],
  sinks: [],
  accepted: {},
  ...extra,
});

const counts = schemaOf({ k: BIGINT, v: BIGINT });
const kv = (k: number, v: number): Row => ({ k: BigInt(k), v: BigInt(v) });

describe('state table round trip', () => {
  const allTypes = schemaOf({
    id: INT,
    flag: BOOLEAN,
    big: BIGINT,
    real: DOUBLE,
    d4: decimal(4, 1),
    d9: decimal(9, 3),
    d18: decimal(18, 2),
    d38: decimal(38, 10),
    name: VARCHAR,
    at: TIMESTAMP,
  });
  const rows: Row[] = [
    {
      id: -2147483648,
      flag: true,
      big: -(2n ** 63n),
      real: -Infinity,
      d4: -9999n,
      d9: -999999999n,
      d18: -(10n ** 18n - 1n),
      d38: -(10n ** 38n - 1n),
      name: '',
      at: -62135596800000n, // 0001-01-01
    },
    {
      id: 0,
      flag: false,
      big: 2n ** 53n + 1n,
      real: 0.1,
      d4: 5n,
      d9: -1n,
      d18: 123456789012345678n,
      d38: 2n ** 100n,
      name: 'exactly 12 b',
      at: -1n, // 1969-12-31 23:59:59.999
    },
    {
      id: 1,
      flag: null,
      big: null,
      real: null,
      d4: null,
      d9: null,
      d18: null,
      d38: null,
      name: null,
      at: null,
    },
    {
      id: 2147483647,
      flag: true,
      big: 2n ** 63n - 1n,
      real: Number.MAX_VALUE,
      d4: 9999n,
      d9: 999999999n,
      d18: -1n,
      d38: -1n,
      name: 'a longer string, ünïcödé ✓ 🦆, well past the 12 inline bytes',
      at: 253402300799999n, // 9999-12-31 23:59:59.999
    },
    {
      id: 3,
      flag: false,
      big: -(2n ** 53n) - 3n,
      real: NaN,
      d4: -1n,
      d9: 0n,
      d18: 0n,
      d38: 0n,
      name: 'x',
      at: 8_640_000_000_000_000n, // the largest JS Date
    },
  ];

  it('keeps every type exactly, NULLs included, across a reopen', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    await backend.registerQuery('q', 'fp', 'error');
    (await backend.table('q_op', 'all', allTypes, ['id'])).upsert(batchOf(allTypes, rows));
    await backend.commit(record(1));
    backend = await reopen(backend, dir);
    expect(await backend.registerQuery('q', 'fp', 'error')).toBe(true);
    const table = await backend.table('q_op', 'all', allTypes, ['id']);
    const byId = [...rows].sort((a, b) => (a.id as number) - (b.id as number));
    expect(await scanRows(table, allTypes)).toEqual(byId);
  });

  it('yields batches of offset-0 columns typed per arrow-types.ts', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'all', allTypes, ['id']);
    table.upsert(batchOf(allTypes, rows));
    await backend.commit(record(1));
    const batches = [];
    for await (const batch of table.scan()) batches.push(batch);
    expect(batches).toHaveLength(1);
    const columns = batches[0]!.data.children;
    expect(columns.map((c) => c.type)).toEqual(allTypes.fields.map((f) => arrowType(f.type)));
    expect(columns.map((c) => c.values.constructor.name)).toEqual([
      'Int32Array',
      'Uint8Array',
      'BigInt64Array',
      'Float64Array',
      'Uint32Array',
      'Uint32Array',
      'Uint32Array',
      'Uint32Array',
      'Uint8Array',
      'BigInt64Array',
    ]);
    expect(columns.every((c) => c.offset === 0)).toBe(true);
  });

  it('reads sliced input batches from their offset', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'all', allTypes, ['id']);
    table.upsert(batchOf(allTypes, rows).slice(1, 4));
    await backend.commit(record(1));
    expect(await scanRows(table, allTypes)).toEqual(rows.slice(1, 4));
  });

  it('moves many rows through several chunks and scan batches', async () => {
    const schema = schemaOf({ k: BIGINT, name: VARCHAR, n: INT, ok: BOOLEAN });
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'big', schema, ['k']);
    const n = 150_000;
    const make = (i: number): Row => ({
      k: BigInt(i),
      name: i % 7 === 0 ? null : `name-${i}-${'x'.repeat(i % 20)}`,
      n: i % 5 === 0 ? null : i,
      ok: i % 3 === 0,
    });
    const all = Array.from({ length: n }, (_, i) => make(i));
    table.upsert(batchOf(schema, all.slice(0, 100_000)));
    table.upsert(batchOf(schema, all.slice(100_000)));
    await backend.commit(record(1));
    const sizes: number[] = [];
    const seen: Row[] = [];
    for await (const batch of table.scan()) {
      sizes.push(batch.numRows);
      seen.push(...rowsOf(batch, schema));
    }
    expect(sizes).toEqual([65536, 65536, n - 2 * 65536]);
    expect(seen).toEqual(all);
  });
});

describe('staged changes', () => {
  it('applies upserts and removes across epochs, the last staging of a key winning within one', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'counts', counts, ['k']);
    const keys = schemaOf({ k: BIGINT });
    table.upsert(batchOf(counts, [kv(1, 1), kv(2, 1), kv(3, 1), kv(4, 1), kv(5, 1)]));
    await backend.commit(record(1));
    expect(await scanRows(table, counts)).toEqual([kv(1, 1), kv(2, 1), kv(3, 1), kv(4, 1), kv(5, 1)]);

    table.remove(batchOf(keys, [{ k: 2n }]));
    table.upsert(batchOf(counts, [kv(3, 2), kv(5, 2), kv(6, 2), kv(7, 2)]));
    table.remove(batchOf(keys, [{ k: 4n }, { k: 5n }, { k: 7n }])); // 5: update then remove; 7: insert then remove
    table.upsert(batchOf(counts, [kv(4, 3), kv(3, 3)])); // 4: remove then upsert
    await backend.commit(record(2));
    expect(await scanRows(table, counts)).toEqual([kv(1, 1), kv(3, 3), kv(4, 3), kv(6, 2)]);

    table.remove(batchOf(keys, [{ k: 1n }, { k: 99n }])); // 99 was never there
    table.upsert(batchOf(counts, [kv(2, 4)])); // back after a committed remove
    await backend.commit(record(3));
    expect(await scanRows(table, counts)).toEqual([kv(2, 4), kv(3, 3), kv(4, 3), kv(6, 2)]);
  });

  it('removes keys from a table with columns of every type after staging upserts in the same epoch', async () => {
    const schema = schemaOf({ k: BIGINT, name: VARCHAR, flag: BOOLEAN, d: decimal(9, 2), at: TIMESTAMP });
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'wide', schema, ['k']);
    const row = (k: number): Row => ({ k: BigInt(k), name: `more than twelve bytes ${k}`, flag: true, d: 1n, at: 0n });
    const all = Array.from({ length: 5000 }, (_, i) => row(i));
    table.upsert(batchOf(schema, all));
    await backend.commit(record(1));
    table.upsert(batchOf(schema, all.slice(0, 3000)));
    table.remove(batchOf(schemaOf({ k: BIGINT }), all.slice(1000).map((r) => ({ k: r.k }))));
    await backend.commit(record(2));
    expect(await scanRows(table, schema)).toEqual(all.slice(0, 1000));
  });

  it('keeps the last of repeated keys inside one batch', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'counts', counts, ['k']);
    table.upsert(batchOf(counts, [kv(1, 1), kv(2, 1), kv(1, 2), kv(1, 3)]));
    await backend.commit(record(1));
    expect(await scanRows(table, counts)).toEqual([kv(1, 3), kv(2, 1)]);
  });

  it('shows only committed rows, and commits nothing for an empty epoch', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'counts', counts, ['k']);
    table.upsert(batchOf(counts, [kv(1, 1)]));
    expect(await scanRows(table, counts)).toEqual([]);
    await backend.commit(record(1));
    await backend.commit(record(2));
    expect(await scanRows(table, counts)).toEqual([kv(1, 1)]);
  });

  it('scans in key order, composite keys included', async () => {
    const schema = schemaOf({ user: VARCHAR, window: TIMESTAMP, n: BIGINT });
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'windows', schema, ['user', 'window']);
    const row = (user: string, window: bigint, n = 1n): Row => ({ user, window, n });
    table.upsert(batchOf(schema, [row('b', 5n), row('a', 7n), row('b', -5n), row('a', 1n), row('B', 0n)]));
    await backend.commit(record(1));
    expect(await scanRows(table, schema)).toEqual([
      row('B', 0n),
      row('a', 1n),
      row('a', 7n),
      row('b', -5n),
      row('b', 5n),
    ]);
    table.upsert(batchOf(schema, [row('a', 7n, 2n), row('a', 5n, 2n)]));
    const keys = schemaOf({ window: TIMESTAMP, user: VARCHAR }); // key columns in another order
    table.remove(batchOf(keys, [{ window: 5n, user: 'b' }, { window: 5n, user: 'B' }]));
    await backend.commit(record(2));
    expect(await scanRows(table, schema)).toEqual([
      row('B', 0n),
      row('a', 1n),
      row('a', 5n, 2n),
      row('a', 7n, 2n),
      row('b', -5n),
    ]);
  });

  it('stores tables whose columns are all key columns', async () => {
    const schema = schemaOf({ k: BIGINT, s: VARCHAR });
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'set', schema, ['k', 's']);
    table.upsert(batchOf(schema, [{ k: 1n, s: 'a' }, { k: 1n, s: 'a' }, { k: 2n, s: 'b' }]));
    await backend.commit(record(1));
    table.remove(batchOf(schema, [{ k: 1n, s: 'a' }]));
    await backend.commit(record(2));
    expect(await scanRows(table, schema)).toEqual([{ k: 2n, s: 'b' }]);
  });

  it('refuses batches that do not match the schema', async () => {
    const backend = await backendIn(tempDir());
    const table = await backend.table('q_op', 'counts', counts, ['k']);
    expect(() => table.upsert(batchOf(schemaOf({ k: BIGINT }), [{ k: 1n }]))).toThrow(/lacks column "v"/);
    expect(() => table.upsert(batchOf(schemaOf({ k: INT, v: BIGINT }), [{ k: 1, v: 1n }]))).toThrow(/Int32/);
    expect(() => table.upsert(batchOf(counts, [{ k: null, v: 1n }]))).toThrow(/key column "k" holds NULL/);
  });
});

describe('commit', () => {
  it('is atomic: a commit that fails leaves the previous epoch, and its changes stay staged', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    const a = await backend.table('q_a', 'counts', counts, ['k']);
    const b = await backend.table('q_b', 'counts', counts, ['k']);
    a.upsert(batchOf(counts, [kv(1, 1)]));
    b.upsert(batchOf(counts, [kv(1, 1)]));
    await backend.commit(record(1, { accepted: { clicks: 1 } }));

    a.upsert(batchOf(counts, [kv(1, 2), kv(2, 2)]));
    b.remove(batchOf(schemaOf({ k: BIGINT }), [{ k: 1n }]));
    // Fails after both tables' statements ran: a BigInt position cannot be written as JSON.
    const bad = record(2, { positions: [{ query: 'q', source: 's', position: { rows: 1n }, watermark: 0 }] });
    await expect(backend.commit(bad)).rejects.toThrow(/BigInt/);
    expect((await backend.restore())?.epoch).toBe(1);
    expect(await scanRows(a, counts)).toEqual([kv(1, 1)]);
    expect(await scanRows(b, counts)).toEqual([kv(1, 1)]);

    await backend.commit(record(2));
    expect(await scanRows(a, counts)).toEqual([kv(1, 2), kv(2, 2)]);
    expect(await scanRows(b, counts)).toEqual([]);
    backend = await reopen(backend, dir);
    expect((await backend.restore())?.epoch).toBe(2);
  });

  it('refuses an epoch that does not follow the last committed one', async () => {
    const backend = await backendIn(tempDir());
    await backend.commit(record(5));
    await expect(backend.commit(record(5))).rejects.toThrow(/epoch 5 does not follow/);
  });

  it('restores the last checkpoint: positions with parsed JSON and infinite watermarks, sinks, accepted', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    expect(await backend.restore()).toBeUndefined();
    const before = Date.now();
    await backend.commit(
      record(1, {
        positions: [
          { query: 'q1', source: 'clicks', position: { rows: 10 }, watermark: -Infinity },
          { query: 'q2', source: 'file', position: { offset: 123, line: 4 }, watermark: 1_700_000_000_000 },
        ],
        sinks: [{ query: 'q1', sink: 'out', marker: { bytes: 99 } }],
        accepted: { clicks: 10 },
      }),
    );
    await backend.commit(
      record(2, {
        positions: [{ query: 'q1', source: 'clicks', position: { rows: 20 }, watermark: Infinity }],
        accepted: { clicks: 20, views: 2 ** 40 },
      }),
    );
    backend = await reopen(backend, dir);
    const restored = await backend.restore();
    expect(restored).toMatchObject({
      epoch: 2,
      positions: [
        { query: 'q1', source: 'clicks', position: { rows: 20 }, watermark: Infinity },
        { query: 'q2', source: 'file', position: { offset: 123, line: 4 }, watermark: 1_700_000_000_000 },
      ],
      sinks: [{ query: 'q1', sink: 'out', marker: { bytes: 99 } }],
      accepted: { clicks: 20, views: 2 ** 40 },
    });
    expect(restored!.committedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(restored!.committedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('leaves a database that plain DuckDB SQL can read once closed', async () => {
    const dir = tempDir();
    const backend = await backendIn(dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    const table = await backend.table('q1_agg', 'counts', counts, ['k']);
    table.upsert(batchOf(counts, [kv(1, 10), kv(2, 20)]));
    await backend.commit(record(7, { positions: [{ query: 'q1', source: 's', position: { rows: 2 }, watermark: 5 }] }));
    await backend.close();
    const instance = await DuckDBInstance.create(`${dir}/state.duckdb`, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
    expect(await read('SELECT k, v FROM state_q1_agg_counts ORDER BY k')).toEqual([
      [1n, 10n],
      [2n, 20n],
    ]);
    expect(await read('SELECT epoch FROM tidemark_checkpoints')).toEqual([[7n]]);
    expect(await read('SELECT name, fingerprint FROM tidemark_queries')).toEqual([['q1', 'fp1']]);
    expect(await read('SELECT table_name, query FROM tidemark_tables')).toEqual([['state_q1_agg_counts', 'q1']]);
    expect(await read(`SELECT "value" FROM tidemark_meta WHERE "key" = 'layout_version'`)).toEqual([['1']]);
    connection.closeSync();
    instance.closeSync();
    expect(fs.existsSync(`${dir}/state.duckdb.wal`)).toBe(false);
  });
});

describe('close', () => {
  it('closes scans still open, so the directory can be reopened at once', async () => {
    const dir = tempDir();
    const backend = await backendIn(dir);
    const table = await backend.table('q_op', 'counts', counts, ['k']);
    table.upsert(batchOf(counts, Array.from({ length: 100_000 }, (_, i) => kv(i, i))));
    await backend.commit(record(1));
    const scan = table.scan()[Symbol.asyncIterator]();
    expect((await scan.next()).value.numRows).toBe(65536);
    await backend.close();
    await expect(scan.next()).rejects.toThrow(/scanned after its backend closed/);
    const again = await backendIn(dir);
    expect((await again.restore())?.epoch).toBe(1);
  });
});

describe('registerQuery', () => {
  it('is fresh until committed, then resumes with the same fingerprint', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    expect(await backend.registerQuery('q1', 'fp1', 'error')).toBe(false);
    backend = await reopen(backend, dir); // never committed: still fresh
    expect(await backend.registerQuery('q1', 'fp1', 'error')).toBe(false);
    await backend.commit(record(1));
    backend = await reopen(backend, dir);
    expect(await backend.registerQuery('q1', 'fp1', 'error')).toBe(true);
  });

  it('refuses a changed query with a hint to start it over', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    await backend.commit(record(1));
    backend = await reopen(backend, dir);
    const err = await backend.registerQuery('q1', 'fp2', 'error').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'state-mismatch',
      hint:
        'the query "q1" changed since its state was written; ' +
        "rerun with --fresh (or onStateMismatch: 'discard') to start it over",
    });
    expect((err as Error).message).toContain('"q1"');
  });

  it("with 'discard' drops the query's tables, positions and markers, and records the new fingerprint", async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    await backend.registerQuery('q10', 'fp10', 'error');
    const wide = schemaOf({ k: BIGINT, v: BIGINT, extra: VARCHAR });
    (await backend.table('q1_agg', 'counts', wide, ['k'])).upsert(batchOf(wide, [{ k: 1n, v: 1n, extra: 'x' }]));
    (await backend.table('q10_agg', 'counts', counts, ['k'])).upsert(batchOf(counts, [kv(1, 1)]));
    await backend.commit(
      record(1, {
        positions: [
          { query: 'q1', source: 's', position: { rows: 1 }, watermark: 0 },
          { query: 'q10', source: 's', position: { rows: 1 }, watermark: 0 },
        ],
        sinks: [{ query: 'q1', sink: 'out', marker: { bytes: 1 } }],
      }),
    );
    backend = await reopen(backend, dir);
    expect(await backend.registerQuery('q1', 'fp2', 'discard')).toBe(false);
    expect(await backend.registerQuery('q10', 'fp10', 'error')).toBe(true);
    // The dropped table comes back empty, and may now have another layout.
    expect(await scanRows(await backend.table('q1_agg', 'counts', counts, ['k']), counts)).toEqual([]);
    expect(await scanRows(await backend.table('q10_agg', 'counts', counts, ['k']), counts)).toEqual([kv(1, 1)]);
    expect(await backend.restore()).toMatchObject({ positions: [{ query: 'q10' }], sinks: [] });
    await backend.commit(record(2));
    backend = await reopen(backend, dir);
    expect(await backend.registerQuery('q1', 'fp2', 'error')).toBe(true);
  });

  it('clears tables a new query name finds from a run that never committed', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    await backend.table('q1_agg', 'counts', schemaOf({ k: VARCHAR }), ['k']);
    backend = await reopen(backend, dir);
    await backend.registerQuery('q1', 'fp2', 'error');
    await expect(backend.table('q1_agg', 'counts', counts, ['k'])).resolves.toBeDefined();
  });

  it('refuses a state table whose stored layout differs', async () => {
    const dir = tempDir();
    let backend = await backendIn(dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    await backend.table('q1_agg', 'counts', counts, ['k']);
    await backend.commit(record(1));
    backend = await reopen(backend, dir);
    await backend.registerQuery('q1', 'fp1', 'error');
    const err = await backend.table('q1_agg', 'counts', schemaOf({ k: BIGINT, v: DOUBLE }), ['k']).catch((e) => e);
    expect(err).toMatchObject({ code: 'state-layout' });
    expect(err.message).toContain('(k BIGINT, v BIGINT; PRIMARY KEY (k))');
    expect(err.message).toContain('(k BIGINT, v DOUBLE; PRIMARY KEY (k))');
  });
});
