// Soak: tens of millions of events through a durable tumbling and a session query, with periodic
// checkpoints and restarts, checked against totals computed while generating (npm run soak).
import { describe, expect, it } from 'vitest';
import * as A from 'apache-arrow';
import { createEngine } from '../../index.ts';
import { makeTempDir, removeDir } from '../engine/helpers.ts';

const EVENTS = Number(process.env['SOAK_EVENTS'] ?? 20_000_000);
const BATCH = 65_536;
const KEYS = 50_000;
const RESTART_EVERY = 40; // batches

const ddl = `CREATE TABLE ev (k BIGINT, v DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'memory')`;
const tumble = `SELECT window_start, COUNT(*) AS n, SUM(v) AS s FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k`;
const session = `SELECT window_start, COUNT(*) AS n FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k`;

function batch(b: number): A.Table {
  const k = new BigInt64Array(BATCH);
  const v = new Float64Array(BATCH);
  const ts = new BigInt64Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const e = b * BATCH + i;
    k[i] = BigInt((e * 7919) % KEYS);
    v[i] = 1;
    ts[i] = BigInt(1_767_225_600_000 + Math.floor(e / 10) - ((e * 31) % 1500)); // 10 events per ms, within the delay
  }
  return new A.Table({
    k: A.makeVector(k),
    v: A.makeVector(v),
    ts: A.makeVector(A.makeData({ type: new A.TimestampMillisecond(), length: BATCH, data: ts })),
  });
}

describe('soak', () => {
  it(`${EVENTS.toLocaleString()} events, restarts every ${RESTART_EVERY} batches: every event counted once`, async () => {
    const dir = makeTempDir('tidemark-soak-');
    const batches = Math.ceil(EVENTS / BATCH);
    let tumbleEvents = 0;
    let sessionEvents = 0;
    try {
      for (let from = 0; from < batches; from += RESTART_EVERY) {
        const engine = await createEngine({ stateDir: dir, checkpointInterval: 0 });
        await engine.exec(ddl);
        const qt = engine.query(tumble, { name: 'tumble' });
        const qs = engine.query(session, { name: 'session' });
        const countT = (async () => { for await (const b of qt.batches()) for (const n of b.getChild('n')!) tumbleEvents += Number(n); })();
        const countS = (async () => { for await (const b of qs.batches()) for (const n of b.getChild('n')!) sessionEvents += Number(n); })();
        const src = engine.source('ev');
        const to = Math.min(batches, from + RESTART_EVERY);
        for (let b = from; b < to; b++) {
          await src.push(batch(b));
          if (b % 10 === 9) await engine.checkpoint();
        }
        if (to === batches) await src.end();
        await engine.close();
        await Promise.all([countT, countS]);
        const rss = process.memoryUsage().rss / 1e6;
        console.log(`batches ${from}..${to}: tumble ${tumbleEvents}, session ${sessionEvents}, rss ${rss.toFixed(0)} MB`);
      }
      expect(tumbleEvents).toBe(batches * BATCH);
      expect(sessionEvents).toBe(batches * BATCH);
    } finally {
      removeDir(dir);
    }
  });
});
