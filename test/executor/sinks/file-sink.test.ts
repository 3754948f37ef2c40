// The exactly-once file sink: markers at flush, truncation on resume, refusal of a shortened file, CSV header once.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSink } from '../../../executor/sinks/file-sink.ts';
import { TidemarkError } from '../../../parser/errors.ts';
import { BIGINT, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';
import { batchOf } from './batches.ts';

const schema: Schema = {
  fields: [
    { name: 'ts', type: TIMESTAMP, nullable: false },
    { name: 'user_id', type: VARCHAR, nullable: true },
    { name: 'n', type: BIGINT, nullable: true },
  ],
};
const T = Date.UTC(2026, 0, 1, 10);
const rows = (...users: string[]) => batchOf(schema, [users.map(() => T), users, users.map((_, i) => i)]);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'tidemark-sink-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (p: string) => fs.readFileSync(p, 'utf8');

describe('FileSink', () => {
  it('writes JSON rows without op, creating directories, and returns the fsynced length as the marker', async () => {
    const path = join(dir, 'out', 'nested', 'clicks.json');
    const sink = await FileSink.open(path, 'out/nested/clicks.json', 'json', schema);
    sink.write(rows('a', 'b'));
    expect(read(path)).toBe(''); // buffered until flush
    const marker = await sink.flush();
    const expected =
      '{"ts":"2026-01-01 10:00:00.000","user_id":"a","n":0}\n{"ts":"2026-01-01 10:00:00.000","user_id":"b","n":1}\n';
    expect(read(path)).toBe(expected);
    expect(marker).toEqual({ bytes: Buffer.byteLength(expected) });
    expect(await sink.flush()).toEqual(marker);
    await sink.close();
  });

  it('on resume, cuts off what was written after the checkpoint and appends from there', async () => {
    const path = join(dir, 'clicks.csv');
    const first = await FileSink.open(path, 'clicks.csv', 'csv', schema);
    first.write(rows('a'));
    const marker = await first.flush();
    first.write(rows('lost'));
    await first.flush(); // written, but the checkpoint never recorded it (a crash)
    await first.close();
    expect(read(path)).toContain('lost');

    const second = await FileSink.open(path, 'clicks.csv', 'csv', schema, marker);
    second.write(rows('é'));
    const after = await second.flush();
    await second.close();
    const text = 'ts,user_id,n\n2026-01-01 10:00:00.000,a,0\n2026-01-01 10:00:00.000,é,0\n';
    expect(read(path)).toBe(text); // header once, the tail gone
    expect(after.bytes).toBe(Buffer.byteLength(text));
  });

  it('starts afresh without a marker, replacing the earlier file', async () => {
    const path = join(dir, 'clicks.json');
    fs.writeFileSync(path, 'old contents\n');
    const sink = await FileSink.open(path, 'clicks.json', 'json', schema);
    sink.write(rows('a'));
    await sink.close();
    expect(read(path)).toBe('{"ts":"2026-01-01 10:00:00.000","user_id":"a","n":0}\n');
  });

  it('writes the CSV header once, counted in the first marker even with no rows', async () => {
    const path = join(dir, 'empty.csv');
    const sink = await FileSink.open(path, 'empty.csv', 'csv', schema);
    const marker = await sink.flush();
    await sink.close();
    expect(read(path)).toBe('ts,user_id,n\n');
    expect(marker.bytes).toBe(13);
    const resumed = await FileSink.open(path, 'empty.csv', 'csv', schema, marker);
    resumed.write(rows('a'));
    await resumed.close();
    expect(read(path)).toBe('ts,user_id,n\n2026-01-01 10:00:00.000,a,0\n');
  });

  it('refuses a file shorter than the checkpoint recorded (state-corrupt)', async () => {
    const path = join(dir, 'clicks.json');
    const sink = await FileSink.open(path, 'clicks.json', 'json', schema);
    sink.write(rows('a', 'b'));
    const marker = await sink.flush();
    await sink.close();
    fs.truncateSync(path, 10);
    const err = await FileSink.open(path, 'clicks.json', 'json', schema, marker).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).code).toBe('state-corrupt');
    expect((err as TidemarkError).message).toMatch(/clicks\.json.*changed since the checkpoint/);
    expect(fs.statSync(path).size).toBe(10); // left as it was
  });

  it('accepts only inserts', async () => {
    const sink = await FileSink.open(join(dir, 'x.json'), 'x.json', 'json', schema);
    const updates = batchOf(schema, [[T, T], ['a', 'a'], [1, 2]], ['+I', '-U']);
    expect(() => sink.write(updates)).toThrow(/accepts only inserts.*-U/);
    sink.write(batchOf(schema, [[T], ['a'], [1]], ['+I']));
    await sink.close();
  });

  it('writes large outputs in chunks, in order', async () => {
    const path = join(dir, 'big.json');
    const sink = await FileSink.open(path, 'big.json', 'json', schema);
    const users = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
    for (let k = 0; k < 6; k++) sink.write(rows(...users));
    const marker = await sink.flush();
    await sink.close();
    const lines = read(path).trimEnd().split('\n');
    expect(lines).toHaveLength(30000);
    expect(JSON.parse(lines[29999]!).user_id).toBe('user-4999');
    expect(marker.bytes).toBe(fs.statSync(path).size);
  });
});
