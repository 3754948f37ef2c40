// Output formats of `tidemark run` (SPEC §5): jsonl, csv, table, the default on a pipe, SQL from stdin, file sinks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, CLI, FIXTURES, STACK_FRAME, ensureBuilt, jsonLines, removeTempDirs, runCli, sortedLines, tempDir, writeFiles } from './helpers.ts';

/** Output must be UTC whatever the machine's zone is. */
const env = { TZ: 'Asia/Kolkata' };

const EVENTS_DDL = `CREATE TABLE events (
  user_id    VARCHAR,
  amount     BIGINT,
  note       VARCHAR,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' SECOND
) WITH ('connector' = 'file', 'path' = 'events.jsonl', 'format' = 'json');
`;

const RAW = 'SELECT user_id, amount, note, event_time FROM events;\n';
const PER_MINUTE = `SELECT window_start, user_id, COUNT(*) AS n, SUM(amount) AS total
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, user_id;
`;

/** fixtures/events.jsonl through RAW: every row in file order (a projection drops nothing, late or not). */
const RAW_ROWS: Record<string, unknown>[] = [
  { user_id: 'alice', amount: 5, note: 'first', event_time: '2026-01-01 10:00:01.000' },
  { user_id: 'bob', amount: null, note: 'has "quotes", and a comma', event_time: '2026-01-01 10:00:02.250' },
  { user_id: 'alice', amount: 7, note: null, event_time: '2026-01-01 10:00:03.500' }, // epoch ms in the file, no "note"
  { user_id: 'carol', amount: 1, note: null, event_time: '2026-01-01 10:01:00.125' },
  { user_id: 'bob', amount: 3, note: 'just in time', event_time: '2026-01-01 10:00:59.999' },
  { user_id: 'dave', amount: 2, note: 'fires 10:00-10:01', event_time: '2026-01-01 10:01:30.000' },
  { user_id: 'alice', amount: 4, note: 'late', event_time: '2026-01-01 10:00:30.000' },
  { user_id: 'erin', amount: null, note: '', event_time: '2026-01-01 10:01:10.000' },
];

/**
 * PER_MINUTE over the same rows (W = max - 1 s): carol's 10:01:00.125 leaves W at 10:00:59.125, so bob's
 * 10:00:59.999 still counts; dave's 10:01:30 fires [10:00, 10:01); alice's 10:00:30 is then late.
 * SUM skips NULL and is NULL when every value is.
 */
const PER_MINUTE_ROWS = [
  { window_start: '2026-01-01 10:00:00.000', user_id: 'alice', n: 2, total: 12 },
  { window_start: '2026-01-01 10:00:00.000', user_id: 'bob', n: 2, total: 3 },
  { window_start: '2026-01-01 10:01:00.000', user_id: 'carol', n: 1, total: 1 },
  { window_start: '2026-01-01 10:01:00.000', user_id: 'dave', n: 1, total: 2 },
  { window_start: '2026-01-01 10:01:00.000', user_id: 'erin', n: 1, total: null },
];

/** A temp dir holding `query.sql` and a copy of the fixtures it reads. */
function project(sql: string): string {
  const dir = tempDir('formats');
  fs.copyFileSync(path.join(FIXTURES, 'events.jsonl'), path.join(dir, 'events.jsonl'));
  fs.copyFileSync(path.join(FIXTURES, 'bigint.jsonl'), path.join(dir, 'bigint.jsonl'));
  return writeFiles(dir, { 'query.sql': sql });
}

async function run(sql: string, args: string[] = []) {
  const dir = project(sql);
  const r = await runCli(['run', 'query.sql', ...args], { cwd: dir, env });
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(r.code, r.stderr).toBe(0);
  return { ...r, dir };
}

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);
afterAll(removeTempDirs);

describe('jsonl', () => {
  it('one change per line: op first, timestamps as UTC YYYY-MM-DD HH:MM:SS.fff, NULL as null', async () => {
    const r = await run(EVENTS_DDL + RAW, ['--format', 'jsonl']);
    expect(r.stdout.split('\n')[0]).toBe(
      '{"op":"+I","user_id":"alice","amount":5,"note":"first","event_time":"2026-01-01 10:00:01.000"}',
    );
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(jsonLines(r.stdout)).toEqual(RAW_ROWS.map((row) => ({ op: '+I', ...row })));
    // A single query's lines carry no "query" field.
    for (const line of r.stdout.trim().split('\n')) expect(line).not.toContain('"query"');
  });

  it('with several queries, every line carries "query": its -- name, else q1, q2, ... by position', async () => {
    const r = await run(`${EVENTS_DDL}${RAW}-- name: per_minute\n${PER_MINUTE}`, ['--format', 'jsonl']);
    const rows = jsonLines(r.stdout);
    for (const line of r.stdout.trim().split('\n')) expect(line).toMatch(/^\{"op":"\+I","query":"(q1|per_minute)",/);
    const of = (q: string) => rows.filter((row) => row['query'] === q).map(({ op: _op, query: _q, ...rest }) => rest);
    expect(of('q1')).toEqual(RAW_ROWS);
    expect(sortedLines(of('per_minute').map((x) => JSON.stringify(x)).join('\n'))).toEqual(
      sortedLines(PER_MINUTE_ROWS.map((x) => JSON.stringify(x)).join('\n')),
    );
    expect(rows).toHaveLength(RAW_ROWS.length + PER_MINUTE_ROWS.length);
    expect(r.stderr).toMatch(/^tidemark: q1 finished: 0 late rows? dropped/m);
    expect(r.stderr).toMatch(/^tidemark: per_minute finished: 1 late rows? dropped/m);
  });

  it('writes BIGINT beyond 2^53 as an exact string, and safe integers as numbers', async () => {
    const sql = `CREATE TABLE t (id BIGINT, event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time)
WITH ('connector' = 'file', 'path' = 'bigint.jsonl', 'format' = 'json');
SELECT id FROM t;
`;
    const r = await run(sql, ['--format', 'jsonl']);
    expect(r.stdout).toBe('{"op":"+I","id":"9007199254740993"}\n{"op":"+I","id":"-9007199254740993"}\n{"op":"+I","id":9007199254740991}\n');
  });

  it('is the default when stdout is a pipe', async () => {
    const r = await run(EVENTS_DDL + RAW);
    expect(jsonLines(r.stdout)).toEqual(RAW_ROWS.map((row) => ({ op: '+I', ...row })));
  });
});

describe('csv', () => {
  it('has a header row and an op column; NULL is an empty field, an empty string is ""', async () => {
    const r = await run(EVENTS_DDL + RAW, ['--format', 'csv']);
    expect(r.stdout).toBe(
      [
        'op,user_id,amount,note,event_time',
        '+I,alice,5,first,2026-01-01 10:00:01.000',
        '+I,bob,,"has ""quotes"", and a comma",2026-01-01 10:00:02.250',
        '+I,alice,7,,2026-01-01 10:00:03.500',
        '+I,carol,1,,2026-01-01 10:01:00.125',
        '+I,bob,3,just in time,2026-01-01 10:00:59.999',
        '+I,dave,2,fires 10:00-10:01,2026-01-01 10:01:30.000',
        '+I,alice,4,late,2026-01-01 10:00:30.000',
        '+I,erin,,"",2026-01-01 10:01:10.000',
        '',
      ].join('\n'),
    );
  });

  it('writes the header even when the query has no rows', async () => {
    const r = await run(`${EVENTS_DDL}SELECT user_id, amount FROM events WHERE amount > 1000;\n`, ['--format', 'csv']);
    expect(r.stdout).toBe('op,user_id,amount\n');
  });
});

describe('table', () => {
  it('draws a box with the column names and ends with a count line', async () => {
    const r = await run(EVENTS_DDL + PER_MINUTE, ['--format', 'table']);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^┌─+┬/);
    expect(lines[1]).toMatch(/^│ op │ +window_start +│ +user_id +│ +n +│ +total +│$/);
    expect(lines).toContainEqual(expect.stringMatching(/^├─+┼/));
    const rows = lines.filter((l) => l.startsWith('│ +I'));
    expect(rows).toHaveLength(PER_MINUTE_ROWS.length);
    for (const want of PER_MINUTE_ROWS) {
      const cells = [want.window_start, want.user_id, String(want.n), want.total === null ? 'NULL' : String(want.total)];
      expect(rows.some((row) => row.split('│').map((c) => c.trim()).join('|') === `|+I|${cells.join('|')}|`), JSON.stringify(want)).toBe(true);
    }
    expect(lines.at(-2)).toMatch(/^└─+┴.*┘$/);
    expect(lines.at(-1)).toBe(`${PER_MINUTE_ROWS.length} changes`);
  });

  it('closes each query\'s box before the next query\'s box opens', async () => {
    const r = await run(`${EVENTS_DDL}${RAW}-- name: per_minute\n${PER_MINUTE}`, ['--format', 'table']);
    const lines = r.stdout.split('\n');
    // Box borders must alternate: ┌ (open), └ (close), ┌, └ ...
    const borders = lines.filter((l) => l.startsWith('┌') || l.startsWith('└')).map((l) => l[0]);
    expect(borders).toEqual(['┌', '└', '┌', '└']);
    const counts = lines.filter((l) => /^\d+ changes?$/.test(l));
    expect(counts.sort()).toEqual([`${PER_MINUTE_ROWS.length} changes`, `${RAW_ROWS.length} changes`].sort());
  });

  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;
  it.skipIf(!hasScript)('is the default when stdout is a terminal', async () => {
    const dir = project(EVENTS_DDL + PER_MINUTE);
    // util-linux `script` gives the CLI a pseudo-terminal as stdout.
    const command = [process.execPath, CLI, 'run', 'query.sql', '-q'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.replace(/\r/g, '');
    expect(out).toMatch(/^┌─+┬/m);
    expect(out).toMatch(new RegExp(`^${PER_MINUTE_ROWS.length} changes$`, 'm'));
    expect(out).not.toContain('"op"');
  });
});

describe('explain', () => {
  it("prints each query's plan on stdout and runs nothing", async () => {
    const dir = project(`${EVENTS_DDL}${RAW}-- name: per_minute\n${PER_MINUTE}`);
    const r = await runCli(['explain', 'query.sql'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^-- q1$/m);
    expect(r.stdout).toMatch(/^-- per_minute$/m);
    expect(r.stdout).toMatch(/append-only/);
    expect(r.stdout).not.toMatch(/"op"/);
  });
});

describe('run - (SQL from standard input)', () => {
  it('runs the statements read from stdin, resolving WITH paths against the working directory', async () => {
    const r = await runCli(['run', '-', '--format', 'jsonl'], { cwd: FIXTURES, input: EVENTS_DDL + RAW, env });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)).toEqual(RAW_ROWS.map((row) => ({ op: '+I', ...row })));
  });
});

describe('INSERT INTO a file sink', () => {
  const sinks = `CREATE TABLE out_json (window_start TIMESTAMP(3), user_id VARCHAR, n BIGINT, total BIGINT)
  WITH ('connector' = 'file', 'path' = 'out/per-minute.jsonl', 'format' = 'json');
CREATE TABLE out_csv (window_start TIMESTAMP(3), user_id VARCHAR, n BIGINT, total BIGINT)
  WITH ('connector' = 'file', 'path' = 'out/per-minute.csv', 'format' = 'csv');
`;
  const insert = (table: string) => `INSERT INTO ${table}\n${PER_MINUTE}`;

  it('writes exactly the rows, without an op column, to json and csv files next to the .sql file', async () => {
    const r = await run(EVENTS_DDL + sinks + insert('out_json') + insert('out_csv'));
    expect(r.stdout).toBe('');
    const json = fs.readFileSync(path.join(r.dir, 'out/per-minute.jsonl'), 'utf8');
    expect(json.endsWith('\n')).toBe(true);
    expect(sortedLines(json)).toEqual(sortedLines(PER_MINUTE_ROWS.map((x) => JSON.stringify(x)).join('\n')));
    const csv = fs.readFileSync(path.join(r.dir, 'out/per-minute.csv'), 'utf8');
    const [header, ...rows] = csv.split('\n');
    expect(header).toBe('window_start,user_id,n,total');
    expect(rows.pop()).toBe(''); // the last row ends with a newline
    expect(rows.sort()).toEqual(
      PER_MINUTE_ROWS.map((x) => `${x.window_start},${x.user_id},${x.n},${x.total ?? ''}`).sort(),
    );
    expect(r.stderr).toMatch(/^tidemark: q1 finished: 1 late rows? dropped/m);
    expect(r.stderr).toMatch(/^tidemark: q2 finished: 1 late rows? dropped/m);
  });

  it('a fresh run replaces the file rather than appending to it', async () => {
    const dir = project(EVENTS_DDL + sinks + insert('out_json'));
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['run', 'query.sql'], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
    }
    const json = fs.readFileSync(path.join(dir, 'out/per-minute.jsonl'), 'utf8');
    expect(sortedLines(json)).toHaveLength(PER_MINUTE_ROWS.length);
  });
});
