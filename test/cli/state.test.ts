// `tidemark state DIR`: what a state directory holds, readable without running anything.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, ensureBuilt, removeTempDirs, runCli, tempDir } from './helpers.ts';

beforeAll(ensureBuilt, 200_000);
afterAll(removeTempDirs);

describe('tidemark state', () => {
  it('shows the checkpoint, the query, its source position and watermark, and its state table', async () => {
    const dir = path.join(tempDir('state'), 'st');
    const run = await runCli(['run', path.join(EXAMPLES, '01-clicks-per-user.sql'), '--state-dir', dir, '-q']);
    expect(run.code, run.stderr).toBe(0);
    const r = await runCli(['state', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^checkpoint: epoch \d+ at \d{4}-/);
    expect(r.stdout).toContain('query q1 (plan ');
    expect(r.stdout).toMatch(/source clicks: at \{"offset":\d+,"line":17\}, watermark end of input/);
    expect(r.stdout).toContain('state state_q1_tumble2_groups: 0 rows');
  });

  it('says so when a directory holds no state (exit 2), and refuses a damaged one (exit 4)', async () => {
    const empty = tempDir('state');
    const r = await runCli(['state', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds no Tidemark state');
    const fs = await import('node:fs');
    fs.writeFileSync(path.join(empty, 'state.duckdb'), 'not a database at all, just some bytes '.repeat(200));
    const bad = await runCli(['state', empty]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/error\[state-/);
  });
});
