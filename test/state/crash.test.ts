// Process death at any instant leaves the last committed checkpoint readable and whole.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDBBackend } from '../../state/duckdb-backend.ts';
import { CRASH_ROWS, CRASH_SCHEMA } from './fixtures/crash-child.ts';
import { removeTempDirs, tempDir } from './helpers.ts';

afterAll(removeTempDirs);

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

/**
 * Runs the child until it reports `signal` ('committing 2' or 'committed 2'), then kills it with SIGKILL
 * after `delayMs`; in 'exit' mode the child leaves by itself right after starting the commit.
 */
async function crash(dir: string, mode: 'wait' | 'exit', signal: string, delayMs = 0): Promise<void> {
  const proc = spawn(process.execPath, ['--import', './test/state/fixtures/register-ts.mjs', child, dir, mode], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(proc, 'exit');
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => d.toString().includes(signal) && resolve());
    void exited.then(() => (mode === 'exit' ? resolve() : reject(new Error(`child exited early: ${stderr}`))));
  });
  if (mode === 'wait') {
    await new Promise((r) => setTimeout(r, delayMs));
    proc.kill('SIGKILL');
  }
  await exited;
}

/** The epoch restored, after checking the state table and the record belong to that same epoch. */
async function restoredEpoch(dir: string): Promise<number> {
  const backend = await openDuckDBBackend(dir);
  try {
    expect(await backend.registerQuery('q', 'fp', 'error')).toBe(true);
    const info = await backend.restore();
    const epoch = info!.epoch;
    expect(info).toMatchObject({
      positions: [{ query: 'q', source: 's', position: { rows: epoch }, watermark: epoch }],
      sinks: [{ query: 'q', sink: 'out', marker: { epoch } }],
      accepted: { s: epoch },
    });
    const table = await backend.table('q_agg', 'counts', CRASH_SCHEMA, ['k']);
    let rows = 0;
    let wrongEpoch = 0;
    for await (const batch of table.scan()) {
      const epochs = batch.data.children[1]!.values as BigInt64Array;
      for (const e of epochs) if (e !== BigInt(epoch)) wrongEpoch++;
      rows += batch.numRows;
    }
    expect({ rows, wrongEpoch }).toEqual({ rows: CRASH_ROWS[epoch as 1 | 2], wrongEpoch: 0 });
    return epoch;
  } finally {
    await backend.close();
  }
}

describe('process death', () => {
  it('keeps one whole epoch when killed with SIGKILL at points during the commit of epoch 2', async () => {
    // The commit of 400k rows takes 0.5-1 s here; the kills land before, inside and near its end.
    const delays = [0, 150, 400, 800];
    const dirs = delays.map(() => tempDir());
    await Promise.all(delays.map((delayMs, i) => crash(dirs[i]!, 'wait', 'committing 2', delayMs)));
    const epochs = [];
    for (const dir of dirs) epochs.push(await restoredEpoch(dir));
    expect(epochs[0]).toBe(1); // killed as the commit began
    expect(epochs.every((e) => e === 1 || e === 2)).toBe(true);
  });

  it('keeps epoch 2 whole when killed right after committing it', async () => {
    const dir = tempDir();
    await crash(dir, 'wait', 'committed 2');
    expect(await restoredEpoch(dir)).toBe(2);
  });

  it('keeps one whole epoch when the process exits during the commit of epoch 2', async () => {
    const dir = tempDir();
    await crash(dir, 'exit', 'committing 2');
    expect([1, 2]).toContain(await restoredEpoch(dir));
  });
});
