// SESSION windows against a row-by-row model of SPEC §2, pushed in any batching, and across a restart.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../index.ts';
import { type Row, Rng, collect, genStream, makeTempDir, memoryEngine, normalizeChanges, pushInBatches, pushRow, randomCuts, removeDir, tableDdl } from './helpers.ts';

const DELAY = 2000;
const GAP = 3000;
const SQL = `SELECT window_start, window_end, k, COUNT(*) AS n, SUM(i) AS si
  FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '${GAP / 1000}' SECOND))
  GROUP BY window_start, window_end, k`;

interface Session {
  start: number;
  end: number;
  n: number;
  si: number | null;
}

/** Row by row: sessions whose end the watermark passed are final; a row merges every open session it touches. */
function model(rows: readonly Row[]): { sessions: Map<string, { n: number; si: number | null }>; late: number } {
  const open = new Map<string, Session[]>();
  const done = new Map<string, { n: number; si: number | null }>();
  let w = -Infinity;
  let late = 0;
  const close = (k: string, s: Session) => done.set(`${s.start}|${s.end}|${k}`, { n: s.n, si: s.si });
  for (const r of rows) {
    for (const [k, list] of open) {
      for (const s of list.filter((x) => x.end <= w)) close(k, s);
      open.set(k, list.filter((x) => x.end > w));
    }
    const key = String(r.k);
    const list = open.get(key) ?? [];
    const [lo, hi] = [r.ts, r.ts + GAP];
    const touching = list.filter((s) => lo <= s.end && hi >= s.start);
    if (touching.length === 0 && hi <= w) late++;
    else {
      const merged: Session = { start: lo, end: hi, n: 1, si: r.i };
      for (const s of touching) {
        merged.start = Math.min(merged.start, s.start);
        merged.end = Math.max(merged.end, s.end);
        merged.n += s.n;
        if (s.si !== null) merged.si = (merged.si ?? 0) + s.si;
      }
      open.set(key, [...list.filter((s) => !touching.includes(s)), merged]);
    }
    w = Math.max(w, r.ts - DELAY);
  }
  for (const [k, list] of open) for (const s of list) close(k, s);
  return { sessions: done, late };
}

function resultOf(changes: ReturnType<typeof normalizeChanges>): Map<string, { n: number; si: number | null }> {
  const out = new Map<string, { n: number; si: number | null }>();
  for (const { op, row } of changes) {
    expect(op).toBe('+I');
    const key = `${row.window_start as number}|${row.window_end as number}|${String(row.k)}`;
    expect(out.has(key), `session ${key} emitted twice`).toBe(false);
    out.set(key, { n: row.n as number, si: row.si as number | null });
  }
  return out;
}

describe('SESSION windows', () => {
  for (const seed of [1, 2, 3])
    it(`seed ${seed}: equal to the model, in any batching`, async () => {
      const rows = genStream({ seed, n: 700, delayMs: DELAY, stepMaxMs: 900, lateP: 0.06, lateMaxMs: 15_000 });
      const expected = model(rows);
      const runs: ReturnType<typeof normalizeChanges>[] = [];
      for (const cuts of [rows.map(() => 1), [rows.length], randomCuts(rows.length, new Rng(seed + 20), 50)]) {
        const engine = await memoryEngine(DELAY);
        const q = engine.query(SQL);
        await pushInBatches(engine.source('t'), rows.map((r) => pushRow(r)), cuts);
        await engine.source('t').end();
        runs.push(normalizeChanges(await collect(q)));
        expect(q.lateRowsDropped).toBe(expected.late);
        await engine.close();
      }
      expect(resultOf(runs[0]!)).toEqual(expected.sessions);
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
    });

  it('gives the same changelog with checkpoints and restarts in the middle', async () => {
    const rows = genStream({ seed: 9, n: 500, delayMs: DELAY, stepMaxMs: 900, lateP: 0.05, lateMaxMs: 10_000 }).map((r) => pushRow(r));
    const whole = await memoryEngine(DELAY);
    const q0 = whole.query(SQL, { name: 's' });
    await whole.source('t').push(rows);
    await whole.source('t').end();
    const expected = normalizeChanges(await collect(q0));
    await whole.close();

    const dir = makeTempDir();
    try {
      const out: Awaited<ReturnType<typeof collect>> = [];
      const cuts = [0, 137, 290, 291, 500];
      for (let part = 0; part + 1 < cuts.length; part++) {
        const engine = await createEngine({ stateDir: dir, checkpointInterval: 0 });
        await engine.exec(tableDdl('t', DELAY));
        const q = engine.query(SQL, { name: 's' });
        const changes = collect(q);
        await engine.source('t').push(rows.slice(cuts[part], cuts[part + 1]));
        if (part + 2 === cuts.length) await engine.source('t').end();
        else await engine.checkpoint();
        await engine.close();
        out.push(...(await changes));
      }
      expect(normalizeChanges(out)).toEqual(expected);
    } finally {
      removeDir(dir);
    }
  });

  it('forgets keys without open sessions and still counts keys that come back (key compaction)', async () => {
    const engine = await createEngine({ checkpointInterval: 0 });
    await engine.exec(`CREATE TABLE c (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')`);
    const q = engine.query(`SELECT k, COUNT(*) AS n FROM TABLE(SESSION(TABLE c PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND))
      GROUP BY window_start, window_end, k`);
    // 5,000 keys seen once each, 2 s apart: every session closes long before the next row, so most keys
    // die and get compacted away; then every 10th key comes back twice within one session.
    const rows: { k: number; ts: number }[] = [];
    let t = Date.UTC(2026, 0, 1);
    for (let k = 0; k < 5000; k++) rows.push({ k, ts: (t += 2000) });
    for (let k = 0; k < 5000; k += 10) rows.push({ k, ts: (t += 2000) }, { k, ts: t + 500 });
    for (let i = 0; i < rows.length; i += 700) await engine.source('c').push(rows.slice(i, i + 700));
    await engine.source('c').end();
    const changes = await collect(q);
    expect(changes.length).toBe(5000 + 500);
    expect(changes.slice(0, 5000).every((c) => c.row.n === 1)).toBe(true);
    expect(changes.slice(5000).map((c) => [c.row.k, c.row.n])).toEqual(Array.from({ length: 500 }, (_, i) => [i * 10, 2]));
    await engine.close();
  });
});
