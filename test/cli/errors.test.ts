// Bad input on the command line (SPEC §5, §7): SQL mistakes exit 3 with a located diagnostic, bad rows exit 1, usage exits 2.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, type CliResult, FIXTURES, STACK_FRAME, ensureBuilt, jsonLines, removeTempDirs, runCli, tempDir, writeFiles } from './helpers.ts';

const DDL = `CREATE TABLE clicks (
  user_id    VARCHAR,
  amount     BIGINT,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'clicks.jsonl', 'format' = 'json');
`;
const TUMBLE = `TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))`;

/** SQL with one marked spot, as in STYLE.md's errorsOf(sql`SELECT ${'prce'} FROM bids`). */
interface Marked {
  readonly sql: string;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly lineText: string;
}

function sql(strings: TemplateStringsArray, ...marks: string[]): Marked {
  if (marks.length !== 1) throw new Error('mark exactly one spot');
  const mark = marks[0]!;
  const before = DDL + strings[0]!;
  const text = before + mark + strings[1]!;
  const lines = before.split('\n');
  const line = lines.length;
  return { sql: text, line, column: lines.at(-1)!.length + 1, length: mark.length, lineText: text.split('\n')[line - 1]! };
}

async function runSql(text: string, args: string[] = []): Promise<CliResult> {
  const dir = tempDir('errors');
  fs.copyFileSync(path.join(FIXTURES, 'events.jsonl'), path.join(dir, 'clicks.jsonl'));
  writeFiles(dir, { 'query.sql': text });
  return runCli(['run', 'query.sql', ...args], { cwd: dir });
}

function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr, 'no stack trace on stderr').not.toMatch(STACK_FRAME);
  expect(r.stdout, 'no stack trace on stdout').not.toMatch(STACK_FRAME);
}

/** Exit 3, `error[code]`, `query.sql:line:column`, the line quoted, a caret under the marked text, the hint. */
function expectSqlError(r: CliResult, at: Marked, code: string, hint?: RegExp): void {
  expectNoStackTrace(r);
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toContain(`query.sql:${at.line}:${at.column}`);
  const lines = r.stderr.split('\n');
  const quoted = lines.findIndex((l) => l === `${at.line} | ${at.lineText}`);
  expect(quoted, `stderr quotes line ${at.line}:\n${r.stderr}`).toBeGreaterThanOrEqual(0);
  const caret = /^\s*\| (\s*)(\^+)(.*)$/.exec(lines[quoted + 1] ?? '');
  expect(caret, `a caret line follows the quoted line:\n${r.stderr}`).not.toBeNull();
  expect(caret![1]!.length + 1, 'the caret starts under the marked column').toBe(at.column);
  expect(caret![2]!.length, 'the caret spans the marked text').toBe(at.length);
  if (hint) expect(r.stderr).toMatch(hint);
}

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);
afterAll(removeTempDirs);

describe.concurrent('SQL errors exit 3 with code, file:line:column, the line and a caret', () => {
  it('syntax error', async () => {
    const at = sql`SELECT user_id FROM clicks WHERE${';'}\n`;
    expectSqlError(await runSql(at.sql), at, 'syntax-error', /expected/);
  });

  it('misspelled keyword, with a did-you-mean hint', async () => {
    const at = sql`${'SELEC'} user_id FROM clicks;\n`;
    expectSqlError(await runSql(at.sql), at, 'syntax-error', /did you mean SELECT/);
  });

  it('unknown column, with a did-you-mean hint', async () => {
    const at = sql`SELECT ${'user_idd'}, amount\nFROM clicks;\n`;
    expectSqlError(await runSql(at.sql), at, 'unknown-column', /did you mean "user_id"/);
  });

  it('unknown table', async () => {
    const at = sql`SELECT user_id FROM ${'clickz'};\n`;
    expectSqlError(await runSql(at.sql), at, 'unknown-table', /clickz/);
  });

  it('unknown function, with a did-you-mean hint', async () => {
    const at = sql`SELECT ${'UPPR'}(user_id) FROM clicks;\n`;
    expectSqlError(await runSql(at.sql), at, 'unknown-function', /did you mean UPPER/);
  });

  it('misspelled aggregate, with a did-you-mean hint', async () => {
    const r = await runSql(`${DDL}SELECT user_id, COUNTT(amount) AS n FROM ${TUMBLE}\nGROUP BY window_start, window_end, user_id;\n`);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^error\[[a-z-]+\]: .*COUNTT/m); // an error about COUNTT itself
    expect(r.stderr).toMatch(/did you mean COUNT\b/);
  });

  it('a column neither grouped nor aggregated', async () => {
    const at = sql`SELECT user_id, ${'amount'}, COUNT(*)\nFROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))\nGROUP BY window_start, window_end, user_id;\n`;
    expectSqlError(await runSql(at.sql), at, 'not-grouped', /GROUP BY/);
  });

  it('type mismatch', async () => {
    const at = sql`SELECT user_id FROM clicks WHERE ${"user_id > 5"};\n`;
    expectSqlError(await runSql(at.sql), at, 'type-mismatch', /VARCHAR/);
  });

  it('bad interval', async () => {
    const at = sql`SELECT window_start, COUNT(*) AS n\nFROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL ${"'ten'"} MINUTES))\nGROUP BY window_start, window_end;\n`;
    expectSqlError(await runSql(at.sql), at, 'bad-interval', /INTERVAL '10'/);
  });

  it('a window over a column that is not an event-time attribute', async () => {
    const at = sql`SELECT window_start, COUNT(*) AS n\nFROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(${'user_id'}), INTERVAL '1' MINUTE))\nGROUP BY window_start, window_end;\n`;
    expectSqlError(await runSql(at.sql), at, 'not-time-attribute', /WATERMARK FOR/);
  });

  it('GROUP BY without a window: an updating result (SPEC §3), or while unsupported, a located error', async () => {
    // SPEC §3 lets an unbounded GROUP BY emit updates; until that lands the CLI refuses it as a SQL error.
    const at = sql`SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY ${'user_id'};\n`;
    const r = await runSql(at.sql);
    if (r.code === 0) {
      const final = new Map<string, unknown>();
      for (const change of jsonLines(r.stdout)) {
        expect(['+I', '-U', '+U', '-D']).toContain(change['op']);
        if (change['op'] === '+I' || change['op'] === '+U') final.set(String(change['user_id']), change['n']);
      }
      expect(Object.fromEntries(final)).toEqual({ alice: 3, bob: 2, carol: 1, dave: 1, erin: 1 });
    } else {
      expectSqlError(r, at, 'unsupported', /TUMBLE/);
    }
  });

  it('every mistake in a statement is reported, not just the first', async () => {
    const r = await runSql(`${DDL}SELECT usr, amont FROM clicks;\n`);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('query.sql:7:8');
    expect(r.stderr).toContain('query.sql:7:13');
    expect(r.stderr).toMatch(/did you mean "amount"/);
  });

  it('a mistake anywhere in the file runs nothing', async () => {
    const at = sql`SELECT user_id FROM clicks;\nSELECT ${'nope'} FROM clicks;\n`;
    expectSqlError(await runSql(at.sql), at, 'unknown-column');
  });

  it("a table with connector 'memory' is refused in a .sql file, saying why", async () => {
    const text = `CREATE TABLE pushed (k VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)\n  WITH ('connector' = 'memory');\nSELECT k FROM pushed;\n`;
    const r = await runSql(text);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[[a-z-]+\]/);
    expect(r.stderr).toMatch(/"pushed"/);
    expect(r.stderr).toMatch(/'memory'/);
    expect(r.stderr).toMatch(/'connector' = 'file'/); // the hint says what a .sql file can read
    // SPEC §7: a SQL mistake is located.
    expect(r.stderr).toMatch(/query\.sql:[1-3]:\d+/);
  });

  it('tidemark check reports the same diagnostic and exit code, and ok for a good file', async () => {
    const at = sql`SELECT ${'user_idd'} FROM clicks;\n`;
    const dir = tempDir('check');
    writeFiles(dir, { 'bad.sql': at.sql, 'good.sql': `${DDL}SELECT user_id FROM clicks;\n` });
    const bad = await runCli(['check', 'bad.sql'], { cwd: dir });
    expectNoStackTrace(bad);
    expect(bad.code, bad.stderr).toBe(3);
    expect(bad.stderr).toContain('error[unknown-column]');
    expect(bad.stderr).toContain(`bad.sql:${at.line}:${at.column}`);
    const good = await runCli(['check', 'good.sql'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe('');
  });
});

describe.concurrent('a malformed source row stops the run (exit 1) naming the file and line', () => {
  const table = (file: string, format: 'json' | 'csv', extra = '') => `CREATE TABLE clicks (
  user_id    VARCHAR,
  amount     BIGINT,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bad/${file}', 'format' = '${format}'${extra});
SELECT user_id, amount FROM clicks;
`;
  /** query.sql in a temp dir beside a copy of fixtures/bad/, so 'bad/<file>' resolves against it. */
  async function runBad(file: string, format: 'json' | 'csv', extra = ''): Promise<CliResult> {
    const dir = tempDir('bad');
    fs.cpSync(path.join(FIXTURES, 'bad'), path.join(dir, 'bad'), { recursive: true });
    writeFiles(dir, { 'query.sql': table(file, format, extra) });
    return runCli(['run', 'query.sql', '--format', 'jsonl'], { cwd: dir });
  }

  it.each([
    ['bad-json.jsonl', 'json', 3, /JSON/i],
    ['missing-time.jsonl', 'json', 2, /event_time/],
    ['bad-type.jsonl', 'json', 4, /amount/],
    ['bad-fields.csv', 'csv', 3, /field/i],
    ['bad-timestamp.csv', 'csv', 4, /event_time/],
  ] as const)('%s (%s) fails at line %i', async (file, format, line, why) => {
    const r = await runBad(file, format);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file.replace('.', '\\.')}:${line}\\b`));
    expect(r.stderr).toMatch(why);
    // Rows before the bad one may have been emitted; none after it.
    for (const row of jsonLines(r.stdout)) expect(['alice', 'bob', 'carol']).toContain(row['user_id']);
  });

  it.each([
    ['bad-json.jsonl', 'json', ['alice', 'bob', 'dave']],
    ['bad-timestamp.csv', 'csv', ['alice', 'bob', 'dave']],
  ] as const)("with 'format.on-error' = 'skip', %s runs to the end and says how many rows it skipped", async (file, format, users) => {
    const r = await runBad(file, format, ", 'format.on-error' = 'skip'");
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((row) => row['user_id'])).toEqual(users);
    // SPEC §7: skipped rows are counted; nothing read is silently lost.
    expect(r.stderr).toMatch(/\b1\b[^\n]*skipped|skipped[^\n]*\b1\b/i);
  });

  it('a data file that does not exist is a runtime failure naming it', async () => {
    const r = await runSql(DDL.replace("'clicks.jsonl'", "'no-such-file.jsonl'") + 'SELECT user_id FROM clicks;\n');
    expectNoStackTrace(r);
    expect(r.stderr).toContain('no-such-file.jsonl');
    expect(r.code, r.stderr).toBe(1);
  });
});

describe.concurrent('usage errors exit 2', () => {
  it('a .sql file that does not exist', async () => {
    const r = await runCli(['run', 'no-such-file.sql'], { cwd: tempDir('usage') });
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('no-such-file.sql');
  });

  it('an unknown flag', async () => {
    const r = await runCli(['run', 'x.sql', '--frobnicate']);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--frobnicate');
  });

  it('an unknown --format', async () => {
    const r = await runSql(`${DDL}SELECT user_id FROM clicks;\n`, ['--format', 'xml']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('xml');
    expect(r.stdout).toBe('');
  });

  it('a --checkpoint-interval that is not a duration', async () => {
    const r = await runSql(`${DDL}SELECT user_id FROM clicks;\n`, ['--state-dir', 'state', '--checkpoint-interval', 'soon']);
    expectNoStackTrace(r);
    expect(r.stderr).toContain('soon');
    expect(r.code, r.stderr).toBe(2);
  });
});
