import { test } from 'vitest';
import { memoryEngine, engineSql, pushRows, genStream, collect } from './helpers.ts';

test('scratch', async () => {
  const engine = await memoryEngine();
  const sqls = [
    engineSql({ name: 'x', keys: ['k'], aggs: ['MAX(i) - MIN(i) AS spread', 'COUNT(*) * 2 + 1 AS c2'] }, 10000),
    engineSql({ name: 'x', keys: ['k'], aggs: ['SUM(i * 2) AS s2', 'MAX(d + 1) AS md1', 'SUM(m * 2) AS sm2'] }, 10000),
    `SELECT k, i * 2 + 1 AS i2, d / 2 AS d2, m + 1 AS m1, ts, k IS NULL AS kn FROM t WHERE i > 0`,
    `SELECT k, CASE WHEN i > 0 THEN 'pos' ELSE 'neg' END AS sign, i % 7 AS r, -i AS ni, ABS(i) AS ai, COALESCE(k, 'none') AS kc, UPPER(k) AS ku, i / 3 AS idiv FROM t`,
  ];
  const qs = sqls.map((s) => { try { return engine.query(s); } catch (e) { console.log(String(e)); return undefined; } });
  const src = engine.source('t');
  await src.push(pushRows(genStream({ seed: 1, n: 30, delayMs: 5000, stepMaxMs: 1000 })));
  await src.end();
  for (const q of qs) if (q) { const out = await collect(q); console.log(JSON.stringify(out.slice(0, 3), (_k, v) => typeof v === 'bigint' ? `${v}n` : v)); }
  await engine.close();
});
