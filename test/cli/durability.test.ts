// `tidemark run --state-dir` (SPEC §5, §6, §7): reruns, refusals, kill -9 at any moment, graceful stops.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILD_TIMEOUT_MS,
  type CliResult,
  FIXTURES,
  STACK_FRAME,
  ensureBuilt,
  exited,
  jsonLines,
  lineDiff,
  removeTempDirs,
  runCli,
  sleep,
  sortedLines,
  startCli,
  tempDir,
  waitFor,
  writeFiles,
} from './helpers.ts';

// ---------------------------------------------------------------------------------------------------------
// A small job over fixtures/events.jsonl: one SELECT to stdout and one INSERT into a file sink.

const EVENTS_DDL = `CREATE TABLE events (
  user_id    VARCHAR,
  amount     BIGINT,
  note       VARCHAR,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' SECOND
) WITH ('connector' = 'file', 'path' = 'events.jsonl', 'format' = 'json');
CREATE TABLE per_minute_out (window_start TIMESTAMP(3), user_id VARCHAR, n BIGINT)
  WITH ('connector' = 'file', 'path' = 'out/per-minute.jsonl', 'format' = 'json');
`;
const perUser = (minutes: number) => `-- name: per_user
SELECT window_start, user_id, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '${minutes}' MINUTES))
GROUP BY window_start, window_end, user_id;
`;
const INSERT_JOB = `-- name: to_file
INSERT INTO per_minute_out
SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, user_id;
`;

function smallJob(sql: string): string {
  const dir = tempDir('durable');
  fs.copyFileSync(path.join(FIXTURES, 'events.jsonl'), path.join(dir, 'events.jsonl'));
  return writeFiles(dir, { 'job.sql': sql });
}

function expectClean(r: CliResult): void {
  expect(r.stderr).not.toMatch(STACK_FRAME);
}

// ---------------------------------------------------------------------------------------------------------
// A big job for the crash tests: out-of-order JSON lines, many keys, a tumbling window into a file sink.

const BIG_ROWS = 300_000;
const BIG_SQL = `CREATE TABLE ev (
  user_id    VARCHAR,
  amount     BIGINT,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND
) WITH ('connector' = 'file', 'path' = '../data/big.jsonl', 'format' = 'json');
CREATE TABLE out (window_start TIMESTAMP(3), window_end TIMESTAMP(3), user_id VARCHAR, n BIGINT, total BIGINT)
  WITH ('connector' = 'file', 'path' = 'out/result.jsonl', 'format' = 'json');
-- name: totals
INSERT INTO out
SELECT window_start, window_end, user_id, COUNT(*) AS n, SUM(amount) AS total
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, user_id;
`;

/** Root of the big job: data/big.jsonl, and each run's own directory next to it. */
let bigRoot: string;
/** What an uninterrupted run writes, and how many late rows it drops. */
let expectedOutput: Buffer;
let expectedLate: number;

/** Rows 20 ms apart in arrival order, each up to 15 s older than that (so some are late), 2000 users. */
function writeBigData(file: string): void {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const base = Date.UTC(2026, 0, 1);
  const lines = new Array<string>(BIG_ROWS);
  for (let i = 0; i < BIG_ROWS; i++) {
    const ts = new Date(base + i * 20 - Math.floor(rnd() * 15_000)).toISOString().replace('T', ' ').replace('Z', '');
    lines[i] = `{"user_id":"u${Math.floor(rnd() * 2000)}","amount":${Math.floor(rnd() * 1000)},"event_time":"${ts}"}`;
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function bigJob(name: string): { dir: string; output: string; stateDir: string } {
  const dir = path.join(bigRoot, name);
  writeFiles(dir, { 'job.sql': BIG_SQL });
  return { dir, output: path.join(dir, 'out', 'result.jsonl'), stateDir: path.join(dir, 'state') };
}

function lateRows(stderr: string, status: string): number {
  const m = new RegExp(`^tidemark: totals ${status}: (\\d+) late rows? dropped`, 'm').exec(stderr);
  if (!m) throw new Error(`no "totals ${status}" summary on stderr:\n${stderr}`);
  return Number(m[1]);
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Compares a job's output with the uninterrupted run's: first as rows (none lost, none twice), then byte for byte. */
function expectSameOutput(file: string, context: string): void {
  const actual = fs.readFileSync(file);
  if (!actual.equals(expectedOutput)) {
    const diff = lineDiff(expectedOutput.toString('utf8').split('\n'), actual.toString('utf8').split('\n'));
    expect(diff, `${context}: the same rows`).toEqual({ missing: 0, extra: 0, examples: [] });
    expect(actual.equals(expectedOutput), `${context}: the same rows, but in another order`).toBe(true);
  }
}

beforeAll(async () => {
  await ensureBuilt();
  bigRoot = tempDir('crash');
  fs.mkdirSync(path.join(bigRoot, 'data'));
  writeBigData(path.join(bigRoot, 'data', 'big.jsonl'));
  const base = bigJob('uninterrupted');
  const r = await runCli(['run', 'job.sql'], { cwd: base.dir, timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
  expectedOutput = fs.readFileSync(base.output);
  expectedLate = lateRows(r.stderr, 'finished');
  expect(expectedOutput.length).toBeGreaterThan(1_000_000);
  expect(expectedLate).toBeGreaterThan(0);
}, BUILD_TIMEOUT_MS + 60_000);
afterAll(removeTempDirs);

describe('rerunning a finished job on the same state directory', () => {
  it('prints nothing new, leaves the sink file unchanged and exits 0', async () => {
    const dir = smallJob(EVENTS_DDL + perUser(1) + INSERT_JOB);
    const first = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(jsonLines(first.stdout)).toHaveLength(5);
    const written = fs.readFileSync(path.join(dir, 'out/per-minute.jsonl'));
    expect(written.toString().split('\n').filter(Boolean)).toHaveLength(5);

    const again = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expectClean(again);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'out/per-minute.jsonl')).equals(written)).toBe(true);
  });
});

describe('a state directory written by a different query', () => {
  it('is refused with exit 4 and a hint about --fresh, left intact, and replaced with --fresh', async () => {
    const dir = smallJob(EVENTS_DDL + perUser(1));
    const v1 = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expect(v1.code, v1.stderr).toBe(0);
    expect(jsonLines(v1.stdout)).toHaveLength(5);

    // Same query name, different window: the state belongs to another query.
    writeFiles(dir, { 'job.sql': EVENTS_DDL + perUser(2) });
    const refused = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expectClean(refused);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/per_user/);
    expect(refused.stderr).toContain('--fresh');

    // Never silently overwritten: the original query still finds its finished state.
    writeFiles(dir, { 'job.sql': EVENTS_DDL + perUser(1) });
    const original = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expect(original.code, original.stderr).toBe(0);
    expect(original.stdout).toBe('');

    // --fresh discards it and runs the changed query from the start.
    writeFiles(dir, { 'job.sql': EVENTS_DDL + perUser(2) });
    const fresh = await runCli(['run', 'job.sql', '--state-dir', 'state', '--fresh'], { cwd: dir });
    expect(fresh.code, fresh.stderr).toBe(0);
    const rows = jsonLines(fresh.stdout);
    expect(rows.length).toBeGreaterThan(0);
    // 2-minute windows: every row falls in [10:00, 10:02), which the watermark (10:01:29) never closes.
    expect(rows.map((r) => `${r['user_id']}:${r['n']}`).sort()).toEqual(['alice:3', 'bob:2', 'carol:1', 'dave:1', 'erin:1']);
    const after = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toBe('');
  });
});

describe('a state directory that cannot be used', () => {
  it('is refused with exit 4 while another run holds it', async () => {
    const job = bigJob('locked');
    const holder = startCli(['run', 'job.sql', '--state-dir', 'state', '--checkpoint-interval', '100ms'], { cwd: job.dir });
    holder.child.stdin!.end();
    try {
      await waitFor('the first run to open its state', () => sizeOf(path.join(job.stateDir, 'state.duckdb')) > 0 || holder.child.exitCode !== null);
      await sleep(200);
      // Paused, it keeps the directory open however fast this machine is, and cannot finish meanwhile.
      expect(holder.child.exitCode, holder.stderr()).toBeNull();
      holder.child.kill('SIGSTOP');
      const dir = smallJob(EVENTS_DDL + perUser(1));
      const r = await runCli(['run', 'job.sql', '--state-dir', job.stateDir], { cwd: dir });
      expectClean(r);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/lock/i);
    } finally {
      holder.child.kill('SIGKILL');
      await exited(holder.child);
    }
  });

  it('is refused with exit 4 when state.duckdb is damaged, and the file is left as it was', async () => {
    const dir = smallJob(EVENTS_DDL + perUser(1));
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256));
    writeFiles(dir, { 'state/state.duckdb': '' });
    fs.writeFileSync(path.join(dir, 'state/state.duckdb'), garbage);
    const r = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: dir });
    expectClean(r);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/state\.duckdb/);
    expect(r.stderr).toMatch(/damaged|corrupt|not a valid/i);
    expect(fs.readFileSync(path.join(dir, 'state/state.duckdb')).equals(garbage)).toBe(true);
  });

  it('is refused with exit 4 when it is a regular file', async () => {
    const dir = smallJob(EVENTS_DDL + perUser(1));
    writeFiles(dir, { 'not-a-dir': 'hello\n' });
    const r = await runCli(['run', 'job.sql', '--state-dir', 'not-a-dir'], { cwd: dir });
    expectClean(r);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('not-a-dir');
    expect(fs.readFileSync(path.join(dir, 'not-a-dir'), 'utf8')).toBe('hello\n');
  });
});

describe('kill -9 at any moment, then rerun the same command', () => {
  it('ends with exactly the file an uninterrupted run writes: no row lost, none twice', async () => {
    const job = bigJob('killed');
    const args = ['run', 'job.sql', '--state-dir', 'state', '--checkpoint-interval', '100ms'];
    const total = expectedOutput.length;
    const jitter = () => Math.floor(Math.random() * 150);
    // Kill moments: just after the state opens (around the first checkpoint), mid-run, near the end. The
    // later ones happen in resumed runs, so recovery itself is also interrupted.
    const moments: { what: string; ready: () => boolean; delay: number }[] = [
      { what: 'state.duckdb exists', ready: () => sizeOf(path.join(job.stateDir, 'state.duckdb')) > 0, delay: jitter() },
      { what: 'output at 40%', ready: () => sizeOf(job.output) >= total * 0.4, delay: jitter() },
      { what: 'output at 90%', ready: () => sizeOf(job.output) >= total * 0.9, delay: jitter() },
    ];
    const log: string[] = [];
    for (const m of moments) {
      const p = startCli(args, { cwd: job.dir, timeoutMs: 60_000 });
      p.child.stdin!.end();
      await waitFor(m.what, () => m.ready() || p.child.exitCode !== null, 40_000, 5);
      await sleep(m.delay);
      const killed = p.child.kill('SIGKILL');
      const r = await p.result;
      log.push(`${m.what} +${m.delay}ms: ${r.signal ?? `exit ${r.code}`} at ${sizeOf(job.output)} bytes`);
      if (r.signal !== 'SIGKILL') {
        // It finished before the kill landed; that must have been a clean finish.
        expect(r.code, `${log.join('; ')}\n${r.stderr}`).toBe(0);
        expect(killed || r.code === 0).toBe(true);
      }
    }
    // Rerun until it exits 0 (it must not be refused, nor fail).
    let final: CliResult | undefined;
    for (let attempt = 0; attempt < 3 && final?.code !== 0; attempt++) {
      final = await runCli(args, { cwd: job.dir, timeoutMs: 60_000 });
      log.push(`rerun: exit ${final.code}`);
      expectClean(final);
      expect(final.code, `${log.join('; ')}\n${final.stderr}`).toBe(0);
    }
    expectSameOutput(job.output, log.join("; "));
    // And once finished, another rerun changes nothing.
    const again = await runCli(args, { cwd: job.dir, timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expectSameOutput(job.output, 'rerun after finishing');
  });
});

describe('a graceful stop', () => {
  it('SIGTERM exits 143 after a final checkpoint; the rerun resumes there and completes identically', async () => {
    const job = bigJob('sigterm');
    // The default 10 s interval: no periodic checkpoint comes before the signal, only the final one.
    const p = startCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: job.dir, timeoutMs: 60_000 });
    p.child.stdin!.end();
    await waitFor('output at 20%', () => sizeOf(job.output) >= expectedOutput.length * 0.2 || p.child.exitCode !== null, 40_000, 5);
    expect(p.child.exitCode, 'still running when signalled').toBeNull();
    p.child.kill('SIGTERM');
    const stopped = await p.result;
    expectClean(stopped);
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(stopped.stderr).toMatch(/checkpoint/i);
    const lateBefore = lateRows(stopped.stderr, 'stopped');

    const rerun = await runCli(['run', 'job.sql', '--state-dir', 'state'], { cwd: job.dir, timeoutMs: 60_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    expectSameOutput(job.output, 'after SIGTERM and a rerun');
    // Resumed from the final checkpoint, the rerun sees only the rows after the stop: each late row is
    // counted by exactly one of the two runs. (A rerun from the start would count all of them again.)
    const lateAfter = lateRows(rerun.stderr, 'finished');
    expect({ stopped: lateBefore, resumed: lateAfter, sum: lateBefore + lateAfter }).toEqual({
      stopped: lateBefore,
      resumed: expectedLate - lateBefore,
      sum: expectedLate,
    });
  });

  it('SIGINT exits 130; rows printed before the stop are not printed again by the rerun', async () => {
    const job = bigJob('sigint');
    const select = BIG_SQL.replace(/INSERT INTO out\n/, '');
    writeFiles(job.dir, { 'job.sql': select });
    const p = startCli(['run', 'job.sql', '--state-dir', 'state', '--format', 'jsonl'], { cwd: job.dir, timeoutMs: 60_000 });
    p.child.stdin!.end();
    await waitFor('output at 20%', () => p.stdout().length >= expectedOutput.length * 0.2 || p.child.exitCode !== null, 40_000, 5);
    expect(p.child.exitCode, 'still running when signalled').toBeNull();
    p.child.kill('SIGINT');
    const stopped = await p.result;
    expectClean(stopped);
    expect(stopped.code, stopped.stderr).toBe(130);
    const rerun = await runCli(['run', 'job.sql', '--state-dir', 'state', '--format', 'jsonl'], { cwd: job.dir, timeoutMs: 60_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    // Every row exactly once across the two runs: the file sink's rows, each with "op":"+I" in front.
    const want = sortedLines(expectedOutput.toString('utf8').replace(/^\{/gm, '{"op":"+I",'));
    const got = sortedLines(stopped.stdout + rerun.stdout);
    const counts = `rows printed: ${stopped.stdout.split('\n').length - 1} before the stop + ${rerun.stdout.split('\n').length - 1} after, expected ${want.length} in all`;
    expect(lineDiff(want, got), counts).toEqual({ missing: 0, extra: 0, examples: [] });
  });
});
