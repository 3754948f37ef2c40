// `tidemark` alone opens the REPL (SPEC §5); here with standard input a pipe, not a terminal.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, FIXTURES, STACK_FRAME, ensureBuilt, removeTempDirs, runCli, sleep, startCli, tempDir, waitFor } from './helpers.ts';

const CREATE = `CREATE TABLE events (user_id VARCHAR, amount BIGINT, note VARCHAR, event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time - INTERVAL '1' SECOND) WITH ('connector' = 'file', 'path' = '${path.join(FIXTURES, 'events.jsonl')}', 'format' = 'json');\n`;
/** One statement over two lines: the REPL waits for the ';'. */
const SELECT = 'SELECT user_id, amount, event_time\nFROM events WHERE amount > 2;\n';
const EXPECTED = [
  { op: '+I', user_id: 'alice', amount: 5, event_time: '2026-01-01 10:00:01.000' },
  { op: '+I', user_id: 'alice', amount: 7, event_time: '2026-01-01 10:00:03.500' },
  { op: '+I', user_id: 'bob', amount: 3, event_time: '2026-01-01 10:00:59.999' },
  { op: '+I', user_id: 'alice', amount: 4, event_time: '2026-01-01 10:00:30.000' },
];

/** The JSON rows on stdout (a prompt, were one printed, may precede one on its line). */
function rowsOf(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/^(tidemark> |\.\.\. |\s+-> )+/, ''))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as unknown);
}

/** A home directory of its own, so the REPL's history file is not written to the real one. */
let env: Record<string, string>;

beforeAll(async () => {
  await ensureBuilt();
  env = { HOME: tempDir('repl-home') };
}, BUILD_TIMEOUT_MS);
afterAll(removeTempDirs);

describe('REPL with piped standard input', () => {
  it('runs statements typed one at a time, reports a mistake and goes on, and leaves with .exit', async () => {
    const p = startCli([], { env });
    const alive = () => p.child.exitCode === null;
    p.child.stdin!.write(CREATE);
    await waitFor('the table to be created', () => /created table events/i.test(p.stderr()) || !alive()); // an acknowledgement, not a result: stderr
    p.child.stdin!.write('SELECT nope FROM events;\n');
    await waitFor('the error', () => p.stderr().includes('error[unknown-column]') || !alive());
    const [first, second] = SELECT.split(/(?<=\n)/);
    p.child.stdin!.write(first!);
    await sleep(300); // the statement is not complete yet: nothing runs
    expect(rowsOf(p.stdout())).toEqual([]);
    p.child.stdin!.write(second!);
    await waitFor('the rows', () => rowsOf(p.stdout()).length >= EXPECTED.length || !alive());
    p.child.stdin!.write('.exit\n');
    const r = await p.result;
    expect(r.code, r.stderr).toBe(0);
    expect(rowsOf(r.stdout)).toEqual(EXPECTED);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('runs a whole script piped in at once, ending with .exit', async () => {
    // As in `tidemark < script.sql`: every line is there before the first statement has run.
    const r = await runCli([], { input: CREATE + SELECT + '.exit\n', env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(rowsOf(r.stdout)).toEqual(EXPECTED);
  });

  it('leaves at the end of its input', async () => {
    const r = await runCli([], { input: CREATE + SELECT, env });
    expect(r.code, r.stderr).toBe(0);
    expect(rowsOf(r.stdout)).toEqual(EXPECTED);
  });
});
