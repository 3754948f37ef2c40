// 'format.on-error' = 'dead-letter': malformed rows go, with their line and reason, to a table the user names (SPEC §7).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, jsonLines, removeTempDirs, runCli, tempDir, writeFiles } from './helpers.ts';

beforeAll(ensureBuilt, 200_000);
afterAll(removeTempDirs);

const DATA = [
  '{"user_id":"a","event_time":"2026-01-01 10:00:01"}',
  '{"user_id":"b","event_time":"yesterday"}',
  'not json',
  '',
  '{"user_id":"c","event_time":"2026-01-01 10:00:03"}',
  '{"user_id":"d"}',
].join('\n');

const sql = (deadLetter: string, columns = 'source VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR') => `
CREATE TABLE bad_clicks (${columns})
  WITH ('connector' = 'file', 'path' = 'bad.jsonl', 'format' = 'json');
CREATE TABLE clicks (user_id VARCHAR, event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time)
  WITH ('connector' = 'file', 'path' = 'clicks.jsonl', 'format' = 'json',
        'format.on-error' = 'dead-letter'${deadLetter});
SELECT user_id FROM clicks;
`;

describe('dead-letter tables', () => {
  it('writes each malformed row with its source, line, text and reason, and the good rows run on', async () => {
    const dir = writeFiles(tempDir('dl'), { 'clicks.jsonl': DATA, 'q.sql': sql(", 'format.dead-letter-table' = 'bad_clicks'") });
    const r = await runCli(['run', path.join(dir, 'q.sql'), '--state-dir', path.join(dir, 'state')]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((c) => c.user_id)).toEqual(['a', 'c']);
    expect(r.stderr).toContain('3 malformed rows written to bad_clicks');
    const bad = jsonLines(fs.readFileSync(path.join(dir, 'bad.jsonl'), 'utf8'));
    expect(bad.map((b) => [b.source, b.line, b.raw])).toEqual([
      ['clicks', 2, '{"user_id":"b","event_time":"yesterday"}'],
      ['clicks', 3, 'not json'],
      ['clicks', 6, '{"user_id":"d"}'],
    ]);
    expect(bad[0]!.reason).toContain('column "event_time"');
    expect(bad[1]!.reason).toContain('invalid JSON');
    expect(bad[2]!.reason).toContain('NULL');
    // Rerunning the finished job on its state directory writes nothing again.
    const before = fs.readFileSync(path.join(dir, 'bad.jsonl'), 'utf8');
    const again = await runCli(['run', path.join(dir, 'q.sql'), '--state-dir', path.join(dir, 'state')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'bad.jsonl'), 'utf8')).toBe(before);
  });

  it('takes any subset of the columns, in any order', async () => {
    const dir = writeFiles(tempDir('dl'), { 'clicks.jsonl': DATA, 'q.sql': sql(", 'format.dead-letter-table' = 'bad_clicks'", 'reason VARCHAR, line INT') });
    const r = await runCli(['run', path.join(dir, 'q.sql')]);
    expect(r.code, r.stderr).toBe(0);
    const bad = jsonLines(fs.readFileSync(path.join(dir, 'bad.jsonl'), 'utf8'));
    expect(bad.map((b) => Object.keys(b))).toEqual([['reason', 'line'], ['reason', 'line'], ['reason', 'line']]);
  });

  it('refuses a missing, undeclared or wrongly shaped dead-letter table with a located SQL error', async () => {
    const cases: [string, string, RegExp][] = [
      ['', 'columns ok', /needs 'format.dead-letter-table'/],
      [", 'format.dead-letter-table' = 'nowhere'", 'columns ok', /"nowhere" is not declared/],
      [", 'format.dead-letter-table' = 'bad_clicks'", 'bad', /may only have source VARCHAR, line BIGINT/],
    ];
    for (const [option, shape, message] of cases) {
      const columns = shape === 'bad' ? 'source VARCHAR, price DOUBLE' : undefined;
      const dir = writeFiles(tempDir('dl'), { 'clicks.jsonl': DATA, 'q.sql': sql(option, columns) });
      const r = await runCli(['run', path.join(dir, 'q.sql')]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/q\.sql:\d+:\d+/);
    }
  });
});
