// INSERT INTO a file table from the library: the job exec() returns, exactly-once output across a restart, epochs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../index.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-insert-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ddl = (out: string) => `
  CREATE TABLE clicks (user_id VARCHAR, event_time TIMESTAMP(3),
    WATERMARK FOR event_time AS event_time - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
  CREATE TABLE per_minute (window_start TIMESTAMP(3), user_id VARCHAR, clicks BIGINT)
    WITH ('connector' = 'file', 'path' = '${out}', 'format' = 'json')`;
const insert = `INSERT INTO per_minute
  SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
  GROUP BY window_start, window_end, user_id`;
const t = (min: number, sec: number) => Date.UTC(2026, 0, 1, 10, min, sec);
const rows = [
  { user_id: 'a', event_time: t(0, 1) },
  { user_id: 'b', event_time: t(0, 30) },
  { user_id: 'a', event_time: t(1, 5) }, // fires minute 0
  { user_id: 'a', event_time: t(1, 50) },
  { user_id: 'b', event_time: t(2, 2) }, // fires minute 1
  { user_id: 'b', event_time: t(2, 40) },
];
const expected = [
  '{"window_start":"2026-01-01 10:00:00.000","user_id":"a","clicks":1}',
  '{"window_start":"2026-01-01 10:00:00.000","user_id":"b","clicks":1}',
  '{"window_start":"2026-01-01 10:01:00.000","user_id":"a","clicks":2}',
  '{"window_start":"2026-01-01 10:02:00.000","user_id":"b","clicks":2}',
];
const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n');

describe('INSERT INTO a file table through engine.exec', () => {
  it('returns the job, whose done() resolves once the source ended and the file is written', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.jsonl');
    const engine = await createEngine();
    await engine.exec(ddl(out));
    const [job] = await engine.exec(insert);
    await engine.source('clicks').push(rows);
    await engine.source('clicks').end();
    await job!.done();
    expect(lines(out)).toEqual(expected);
    await engine.close();
  });

  it('writes every row exactly once across a checkpoint and restart', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.jsonl');
    const stateDir = path.join(dir, 'state');
    const first = await createEngine({ stateDir, checkpointInterval: 0 });
    await first.exec(ddl(out));
    await first.exec(insert.replace('INSERT', '-- name: job\nINSERT'));
    await first.source('clicks').push(rows.slice(0, 4));
    await first.checkpoint();
    await first.source('clicks').push(rows.slice(4, 5)); // after the checkpoint: redone after the restart
    await first.close();

    const second = await createEngine({ stateDir, checkpointInterval: 0 });
    await second.exec(ddl(out));
    const [job] = await second.exec(insert.replace('INSERT', '-- name: job\nINSERT'));
    expect(second.source('clicks').accepted).toBe(5); // close() checkpoints: the fifth row is committed
    await second.source('clicks').push(rows.slice(5));
    await second.source('clicks').end();
    await job!.done();
    expect(lines(out)).toEqual(expected);
    await second.close();
  });

  it('tags output with the epoch after the one the engine resumed from', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    const sql = `SELECT user_id FROM clicks`;
    const first = await createEngine({ stateDir, checkpointInterval: 0 });
    await first.exec(ddl(path.join(dir, 'unused.jsonl')));
    first.query(sql, { name: 'q' });
    const { epoch } = await first.checkpoint();
    await first.close(); // takes epoch + 1
    const second = await createEngine({ stateDir, checkpointInterval: 0 });
    await second.exec(ddl(path.join(dir, 'unused.jsonl')));
    const q = second.query(sql, { name: 'q' });
    await second.source('clicks').push(rows.slice(0, 1));
    await second.source('clicks').end();
    const epochs: number[] = [];
    for await (const b of q.batches()) epochs.push(b.epoch);
    expect(epochs).toEqual([epoch + 2]);
    await second.close();
  });
});
