// The library contract of SPEC §4: pushing values, errors, iteration, batches, result types, several queries, file sources.
import fs from 'node:fs';
import path from 'node:path';
import * as A from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, TidemarkError } from '../../index.ts';
import { collect, makeTempDir, memoryEngine, normalizeChanges, removeDir } from './helpers.ts';

const DDL = `CREATE TABLE clicks (user_id VARCHAR, url VARCHAR, n INT, amount DECIMAL(10,2), big BIGINT, event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND) WITH ('connector' = 'memory')`;
const COUNTS = `SELECT window_start, window_end, user_id, COUNT(*) AS clicks, MIN(event_time) AS first_at, MAX(event_time) AS last_at
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, user_id`;

const engines: Engine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined);
  for (const d of dirs.splice(0)) removeDir(d);
});

async function clicksEngine(): Promise<Engine> {
  const engine = await createEngine({ checkpointInterval: 0 });
  engines.push(engine);
  await engine.exec(DDL);
  return engine;
}

const T = (h: number, m: number, s = 0, ms = 0) => Date.UTC(2026, 0, 1, h, m, s, ms);

describe('timestamps', () => {
  // The same instants: 10:00:01.250, 10:04:00, 10:09:59.999, 10:12:00 and 10:25:00 UTC.
  const INSTANTS = [T(10, 0, 1, 250), T(10, 4), T(10, 9, 59, 999), T(10, 12), T(10, 25)];
  const FORMS: Record<string, unknown[]> = {
    Date: INSTANTS.map((ms) => new Date(ms)),
    'epoch ms': INSTANTS,
    'SQL text': ['2026-01-01 10:00:01.250', '2026-01-01 10:04:00', '2026-01-01 10:09:59.999', '2026-01-01 10:12:00.000', '2026-01-01 10:25'],
    'ISO 8601 without offset (UTC)': ['2026-01-01T10:00:01.250', '2026-01-01T10:04:00', '2026-01-01T10:09:59.999', '2026-01-01T10:12:00', '2026-01-01T10:25:00'],
    'ISO 8601 with Z': INSTANTS.map((ms) => new Date(ms).toISOString()),
    'with offsets': ['2026-01-01T12:00:01.250+02:00', '2026-01-01 05:04:00-05:00', '2026-01-01T15:39:59.999+05:30', '2026-01-01T10:12:00+00:00', '2026-01-01T09:25:00-01:00'],
  };

  it('as Date, epoch ms and text with and without offset give the same results, returned as Date', async () => {
    const results: Record<string, unknown> = {};
    for (const [form, values] of Object.entries(FORMS)) {
      const engine = await clicksEngine();
      const q = engine.query(COUNTS);
      const src = engine.source('clicks');
      await src.push(values.map((event_time, n) => ({ user_id: n % 2 ? 'b' : 'a', url: '/', event_time })));
      await src.end();
      const changes = await collect(q);
      for (const c of changes) for (const col of ['window_start', 'window_end', 'first_at', 'last_at']) expect(c.row[col]).toBeInstanceOf(Date);
      results[form] = normalizeChanges(changes);
    }
    const expected = [
      { window_start: T(10, 0), window_end: T(10, 10), user_id: 'a', clicks: 2, first_at: INSTANTS[0], last_at: INSTANTS[2] },
      { window_start: T(10, 0), window_end: T(10, 10), user_id: 'b', clicks: 1, first_at: INSTANTS[1], last_at: INSTANTS[1] },
      { window_start: T(10, 10), window_end: T(10, 20), user_id: 'b', clicks: 1, first_at: INSTANTS[3], last_at: INSTANTS[3] },
      { window_start: T(10, 20), window_end: T(10, 30), user_id: 'a', clicks: 1, first_at: INSTANTS[4], last_at: INSTANTS[4] },
    ].map((row) => ({ op: '+I', row }));
    for (const [form, changes] of Object.entries(results)) expect(changes, form).toEqual(expected);
  });

  it('an Arrow Table with a Timestamp column or epoch-ms numbers gives the same results', async () => {
    const rows = { user_id: ['a', 'b', 'a', 'b', 'a'], url: ['/', '/', '/', '/', '/'] };
    const tables = [
      new A.Table({
        user_id: A.vectorFromArray(rows.user_id, new A.Utf8()),
        url: A.vectorFromArray(rows.url, new A.Utf8()),
        event_time: A.vectorFromArray(INSTANTS, new A.TimestampMillisecond()),
      }),
      new A.Table({
        user_id: A.vectorFromArray(rows.user_id, new A.Utf8()),
        url: A.vectorFromArray(rows.url, new A.Utf8()),
        event_time: A.vectorFromArray(INSTANTS.map(BigInt), new A.Int64()),
      }),
      new A.Table({
        user_id: A.vectorFromArray(rows.user_id, new A.Utf8()),
        event_time: A.vectorFromArray(INSTANTS, new A.Float64()),
      }),
    ];
    const outs = [];
    for (const table of tables) {
      const engine = await clicksEngine();
      const q = engine.query(COUNTS);
      await engine.source('clicks').push(table);
      await engine.source('clicks').end();
      outs.push(normalizeChanges(await collect(q)));
    }
    expect(outs[0]).toHaveLength(4);
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });
});

describe('bad rows', () => {
  async function pushError(engine: Engine, rows: object[]): Promise<TidemarkError> {
    const err = await engine.source('clicks').push(rows).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TidemarkError);
    return err as TidemarkError;
  }

  it('reject the push naming the row and column, and accept nothing of it', async () => {
    const engine = await clicksEngine();
    const q = engine.query(COUNTS);
    const src = engine.source('clicks');
    const good = { user_id: 'a', url: '/', event_time: '2026-01-01 10:00:01' };

    // A rejected push leaves no trace, not even in the watermark: the 11:00 row would close 10:00-10:10.
    const future = { user_id: 'f', url: '/', event_time: '2026-01-01 11:00:00' };
    const unparsable = await pushError(engine, [good, future, { user_id: 'b', event_time: 'yesterday' }]);
    expect(unparsable.code).toBe('bad-row');
    expect(unparsable.message).toMatch(/row 2/);
    expect(unparsable.message).toMatch(/event_time/);
    expect(unparsable.message).toMatch(/yesterday/);

    const missing = await pushError(engine, [good, { user_id: 'c', url: '/x' }]);
    expect(missing.code).toBe('bad-row');
    expect(missing.message).toMatch(/row 1/);
    expect(missing.message).toMatch(/event_time/);

    const wrongType = await pushError(engine, [{ user_id: 'd', n: 'three', event_time: '2026-01-01 10:00:02' }]);
    expect(wrongType.code).toBe('bad-row');
    expect(wrongType.message).toMatch(/row 0/);
    expect(wrongType.message).toMatch(/"n"|\bn\b/);

    expect(src.accepted).toBe(0);
    await src.push([]);
    expect(src.accepted).toBe(0);
    await src.push({ user_id: 'z', url: '/', event_time: '2026-01-01 10:00:03' });
    expect(src.accepted).toBe(1);
    await src.end();
    const rows = (await collect(q)).map((c) => c.row);
    expect(rows.map((r) => [r['user_id'], r['clicks']])).toEqual([['z', 1]]);
    expect(q.lateRowsDropped).toBe(0);
    expect(src.accepted).toBe(1);
  });

  it('in pushed Arrow data reject the push too', async () => {
    const engine = await clicksEngine();
    const table = new A.Table({
      user_id: A.vectorFromArray(['a', 'b'], new A.Utf8()),
      event_time: A.vectorFromArray([T(10, 0), null], new A.TimestampMillisecond()),
    });
    const err = await pushError(engine, table as unknown as object[]);
    expect(err.code).toBe('bad-row');
    expect(err.message).toMatch(/event_time/);
    expect(engine.source('clicks').accepted).toBe(0);
  });
});

describe('SQL errors', () => {
  it('throw a TidemarkError from query() itself, with a code and line:column', async () => {
    const engine = await clicksEngine();
    // Each statement with the text the error must point at (any of its occurrences).
    const bad: [string, string][] = [
      [`SELECT window_start, COUNT(*)\nFROM TABLE(TUMBLE(TABLE clickz, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))\nGROUP BY window_start, window_end`, 'clickz'],
      [`SELECT window_start, window_end, user_idd, COUNT(*)\n  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))\n  GROUP BY window_start, window_end, user_idd`, 'user_idd'],
      [`SELECT window_start, COUNT(* FROM clicks`, 'FROM'],
    ];
    for (const [sql, culprit] of bad) {
      let thrown: unknown;
      let returned: unknown;
      try {
        returned = engine.query(sql);
      } catch (e) {
        thrown = e;
      }
      expect(returned, sql).toBeUndefined();
      expect(thrown, sql).toBeInstanceOf(TidemarkError);
      const err = thrown as TidemarkError;
      expect(err.code, sql).toMatch(/^[a-z]+(-[a-z]+)*$/);
      const spots = sql.split('\n').flatMap((line, n) => [...line.matchAll(new RegExp(culprit, 'g'))].map((m) => `:${n + 1}:${m.index! + 1}`));
      expect(spots.some((spot) => err.message.includes(spot)), `${err.message}\nshould point at ${culprit}: one of ${spots.join(' ')}`).toBe(true);
    }
  });
});

describe('iteration', () => {
  it('leaving for await early stops the query; other queries go on', async () => {
    const engine = await clicksEngine();
    const q1 = engine.query(COUNTS, { name: 'early' });
    const q2 = engine.query(COUNTS, { name: 'full' });
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', event_time: T(10, 1) },
      { user_id: 'b', event_time: T(10, 2) },
      { user_id: 'a', event_time: T(10, 11) }, // fires [10:00, 10:10)
    ]);
    let seen = 0;
    for await (const c of q1) {
      expect(c.op).toBe('+I');
      seen++;
      break;
    }
    expect(seen).toBe(1);
    expect(q1.status).toBe('stopped');
    await src.push({ user_id: 'c', event_time: T(10, 30) });
    await src.end();
    const rest = await collect(q2);
    expect(rest.map((c) => [c.row['user_id'], c.row['clicks']])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 1],
      ['c', 1],
    ]);
    expect(q1.status).toBe('stopped');
  });

  it('drain() makes the output so far visible to snapshot()', async () => {
    const engine = await clicksEngine();
    const q = engine.query(COUNTS);
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', event_time: T(10, 1) },
      { user_id: 'a', event_time: T(10, 2) },
    ]);
    await q.drain();
    expect(await q.snapshot()).toEqual([]);
    await src.push({ user_id: 'b', event_time: T(10, 10, 5) }); // W = 10:10:00: fires
    await q.drain();
    expect((await q.snapshot()).map((r) => [r['user_id'], r['clicks']])).toEqual([['a', 2]]);
    await src.end();
    await q.drain();
    expect((await q.snapshot()).map((r) => [r['user_id'], r['clicks']])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});

describe('q.batches()', () => {
  it('yields Arrow RecordBatches with an op column, tagged with epoch and watermark', async () => {
    const engine = await clicksEngine();
    const qb = engine.query(COUNTS, { name: 'columnar' });
    const qr = engine.query(COUNTS, { name: 'rows' });
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', event_time: T(10, 1) },
      { user_id: 'b', event_time: T(10, 3) },
      { user_id: 'a', event_time: T(10, 12) }, // W = 10:11:55, fires [10:00, 10:10)
    ]);
    await qb.drain();
    const { epoch } = await engine.checkpoint();
    await src.push({ user_id: 'c', event_time: T(10, 25) }); // W = 10:24:55, fires [10:10, 10:20)
    await src.end(); // fires [10:20, 10:30)

    const batches = [];
    for await (const b of qb.batches()) batches.push(b);
    const rows: Record<string, unknown>[] = [];
    for (const b of batches) {
      expect(b.numRows).toBeGreaterThan(0);
      expect(b.schema.fields[0]!.name).toBe('op');
      expect(b.schema.fields.map((f) => f.name)).toEqual(['op', 'window_start', 'window_end', 'user_id', 'clicks', 'first_at', 'last_at']);
      expect(typeof b.epoch).toBe('number');
      expect(b.watermark === null || b.watermark instanceof Date).toBe(true);
      for (let i = 0; i < b.numRows; i++) {
        const row = b.get(i)!.toJSON() as Record<string, unknown>;
        expect(row['op']).toBe('+I');
        rows.push({
          epoch: b.epoch,
          watermark: b.watermark?.getTime() ?? null,
          user_id: row['user_id'],
          window_end: Number(row['window_end']),
          clicks: Number(row['clicks']),
        });
      }
    }
    // Each batch carries the watermark after it: the one whose arrival fired its windows (W >= window_end),
    // and +Infinity (null) for what end of input fired.
    expect(rows).toEqual([
      { epoch, watermark: T(10, 11, 55), user_id: 'a', window_end: T(10, 10), clicks: 1 },
      { epoch, watermark: T(10, 11, 55), user_id: 'b', window_end: T(10, 10), clicks: 1 },
      { epoch: epoch + 1, watermark: T(10, 24, 55), user_id: 'a', window_end: T(10, 20), clicks: 1 },
      { epoch: epoch + 1, watermark: null, user_id: 'c', window_end: T(10, 30), clicks: 1 },
    ]);

    const changes = await collect(qr);
    expect(changes.map((c) => [c.row['user_id'], (c.row['window_end'] as Date).getTime()])).toEqual(rows.map((r) => [r['user_id'], r['window_end']]));
  });
});

describe('result types', () => {
  it('BIGINT beyond 2^53 comes back as bigint, within it as number', async () => {
    const engine = await clicksEngine();
    const q = engine.query(`SELECT user_id, big FROM clicks`);
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'safe', big: 2 ** 53 - 1, event_time: T(10, 0) },
      { user_id: 'beyond', big: 2n ** 53n + 1n, event_time: T(10, 0) },
      { user_id: 'text', big: '-9223372036854775808', event_time: T(10, 0) },
    ]);
    await src.end();
    expect((await collect(q)).map((c) => c.row)).toEqual([
      { user_id: 'safe', big: 2 ** 53 - 1 },
      { user_id: 'beyond', big: 2n ** 53n + 1n },
      { user_id: 'text', big: -(2n ** 63n) },
    ]);
  });

  it('SUM of INT and BIGINT is exact beyond 2^53', async () => {
    const engine = await clicksEngine();
    const q = engine.query(`SELECT window_start, SUM(big) AS s, SUM(n) AS sn, COUNT(*) AS c
      FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end`);
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', big: 2 ** 52 + 1, n: 2_000_000_000, event_time: T(10, 0) },
      { user_id: 'a', big: 2 ** 52 + 2, n: 2_000_000_000, event_time: T(10, 1) },
    ]);
    await src.end();
    expect((await collect(q)).map((c) => c.row)).toEqual([{ window_start: new Date(T(10, 0)), s: 2n ** 53n + 3n, sn: 4_000_000_000, c: 2 }]);
  });

  it('DECIMAL comes back as a number, summed exactly; AVG over INT is fractional', async () => {
    const engine = await clicksEngine();
    const q = engine.query(`SELECT window_start, SUM(amount) AS total, MIN(amount) AS lo, AVG(n) AS avg_n, AVG(amount) AS avg_amount
      FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end`);
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', amount: 0.1, n: 1, event_time: T(10, 0) },
      { user_id: 'a', amount: '0.20', n: 2, event_time: T(10, 1) },
      { user_id: 'a', amount: 0.005, n: 2, event_time: T(10, 2) }, // rounds half away from zero to 0.01
    ]);
    await src.end();
    const [row] = (await collect(q)).map((c) => c.row);
    expect(row).toEqual({ window_start: new Date(T(10, 0)), total: 0.31, lo: 0.01, avg_n: 5 / 3, avg_amount: expect.closeTo(0.31 / 3, 12) });
    expect(typeof row!['total']).toBe('number');
  });
});

describe('several queries on one source', () => {
  it('each gets every row pushed after it started', async () => {
    const engine = await clicksEngine();
    const q1 = engine.query(COUNTS, { name: 'first' });
    const src = engine.source('clicks');
    await src.push([
      { user_id: 'a', event_time: T(10, 1) },
      { user_id: 'b', event_time: T(10, 2) },
    ]);
    const q2 = engine.query(COUNTS, { name: 'second' });
    await src.push([
      { user_id: 'a', event_time: T(10, 3) },
      { user_id: 'c', event_time: T(10, 4) },
    ]);
    await src.end();
    const pairs = async (q: typeof q1) => (await collect(q)).map((c) => [c.row['user_id'], c.row['clicks']]);
    expect(await pairs(q1)).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(await pairs(q2)).toEqual([
      ['a', 1],
      ['c', 1],
    ]);
  });
});

describe('file sources', () => {
  it('a JSON Lines file runs to completion with for await', async () => {
    const dir = makeTempDir('tidemark-file-');
    dirs.push(dir);
    const file = path.join(dir, 'clicks.jsonl');
    const lines = [
      { user_id: 'a', url: '/', event_time: '2026-01-01 10:00:01' },
      { user_id: 'b', url: '/x', event_time: '2026-01-01T10:03:00Z' },
      { user_id: 'a', url: '/y', event_time: '2026-01-01T12:09:59.999+02:00' },
      { user_id: 'a', url: '/', event_time: T(10, 10, 6) },
      { user_id: 'a', url: '/late', event_time: '2026-01-01 10:00:02' }, // W = 10:10:01: late
      { user_id: 'c', url: '/', event_time: '2026-01-01 10:35:00' },
    ];
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const engine = await createEngine({ checkpointInterval: 0 });
    engines.push(engine);
    await engine.exec(`CREATE TABLE clicks (user_id VARCHAR, url VARCHAR, event_time TIMESTAMP(3),
      WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND)
      WITH ('connector' = 'file', 'path' = '${file}', 'format' = 'json')`);
    const q = engine.query(`SELECT window_start, window_end, user_id, COUNT(*) AS clicks, MAX(url) AS u
      FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
      GROUP BY window_start, window_end, user_id`);
    const changes = await collect(q);
    expect(normalizeChanges(changes)).toEqual(
      [
        { window_start: T(10, 0), window_end: T(10, 10), user_id: 'a', clicks: 2, u: '/y' },
        { window_start: T(10, 0), window_end: T(10, 10), user_id: 'b', clicks: 1, u: '/x' },
        { window_start: T(10, 10), window_end: T(10, 20), user_id: 'a', clicks: 1, u: '/' },
        { window_start: T(10, 30), window_end: T(10, 40), user_id: 'c', clicks: 1, u: '/' },
      ].map((row) => ({ op: '+I', row })),
    );
    expect(q.lateRowsDropped).toBe(1);
    expect(q.status).toBe('finished');
  });

  it('pushing into a file table is refused', async () => {
    const engine = await memoryEngine();
    engines.push(engine);
    await engine.exec(`CREATE TABLE f (x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'file', 'path' = '/nonexistent.jsonl', 'format' = 'json')`);
    expect(() => engine.source('f')).toThrow(TidemarkError);
    expect(() => engine.source('nope')).toThrow(TidemarkError);
  });
});
