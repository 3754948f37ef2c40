import { test } from 'vitest';
import { createEngine } from '../../index.ts';

test('scratch', async () => {
  const engine = await createEngine();
  await engine.exec(`CREATE TABLE t (k VARCHAR, ki INT, i INT, b BIGINT, big BIGINT, d DOUBLE, m DECIMAL(10,2), ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'memory')`);
  const sqls = [
    `SELECT window_start, window_end, k, COUNT(*) AS c, COUNT(i) AS ci, SUM(i) AS si, SUM(b) AS sb, SUM(d) AS sd, SUM(m) AS sm, AVG(i) AS ai, AVG(d) AS ad, AVG(m) AS am, COUNT(big) AS cb, MIN(m) AS mnm, MAX(k) AS mxk, MIN(ts) AS mnt FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE i > 0 AND (k <> 'c' OR d < 0) GROUP BY window_start, window_end, k HAVING COUNT(*) > 1`,
    `SELECT window_start, window_end, ki, COUNT(*) FROM TUMBLE(t, ts, INTERVAL '10 seconds') WHERE k IS NOT NULL GROUP BY window_start, window_end, ki`,
    `SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, TUMBLE_END(ts, INTERVAL '10' SECOND) AS window_end, k, ki, SUM(i) FROM t GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), k, ki`,
    `SELECT window_start, window_end, k, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) WHERE i BETWEEN 1 AND 10 OR k IN ('a','b') GROUP BY window_start, window_end, k`,
  ];
  const qs = sqls.map((s) => { try { return engine.query(s); } catch (e) { console.log(String(e)); return undefined; } });
  for (const s of sqls) { try { console.log(engine.explain(s)); } catch (e) { console.log('EXPLAIN ERR', String(e)); } }
  const src = engine.source('t');
  await src.push([
    { k: 'a', ki: 1, i: 5, b: 10, big: 2n ** 60n, d: 1.5, m: 1.25, ts: '2026-01-01 10:00:01' },
    { k: 'a', ki: null, i: 7, b: 10, big: 2n ** 60n + 1n, d: 1.5, m: '2.25', ts: new Date('2026-01-01T10:00:02Z') },
    { k: null, ki: 1, i: 7, b: 10, big: 3, d: 1.5, m: 2.25, ts: Date.UTC(2026, 0, 1, 10, 0, 3) },
    { k: null, ki: 1, i: 7, b: 10, big: 3, d: 1.5, m: 2.25, ts: Date.UTC(2026, 0, 1, 10, 0, 3) },
  ]);
  await src.end();
  for (const q of qs) if (q) { const out = []; for await (const c of q) out.push(c); console.log(JSON.stringify(out, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)); console.log(q.lateRowsDropped); }
  try { engine.query(`SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND))\n GROUP BY window_start, window_end, kk`); } catch (e) { console.log((e as any).code, String(e)); }
  await engine.close();
});
