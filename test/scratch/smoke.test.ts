import { test, expect } from 'vitest';
import { createEngine } from '../../index.ts';

test('smoke', async () => {
  const engine = await createEngine();
  await engine.exec(`CREATE TABLE clicks (user_id VARCHAR, url VARCHAR, event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND) WITH ('connector' = 'memory')`);
  const q = engine.query(`SELECT window_start, window_end, user_id, COUNT(*) AS clicks, MAX(url) AS u
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
    GROUP BY window_start, window_end, user_id`);
  console.log(engine.explain(`SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES)) WHERE url <> '/x' GROUP BY window_start, window_end, user_id`));
  const src = engine.source('clicks');
  await src.push([
    { user_id: 'a', url: '/', event_time: '2026-01-01 10:00:01' },
    { user_id: 'b', url: '/x', event_time: '2026-01-01 10:03:00' },
    { user_id: 'a', url: '/y', event_time: '2026-01-01 10:09:59' },
    { user_id: 'a', url: '/', event_time: '2026-01-01 10:10:06' },
    { user_id: 'a', url: '/late', event_time: '2026-01-01 10:00:02' },
  ]);
  await q.drain();
  console.log(await q.snapshot(), q.lateRowsDropped);
  await src.end();
  const out = [];
  for await (const c of q) out.push(c);
  console.log(out);
  await engine.close();
});
