// State directories that are in use, damaged, of another layout or not writable are refused, never overwritten.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDBBackend } from '../../state/duckdb-backend.ts';
import { removeTempDirs, tempDir } from './helpers.ts';

afterAll(removeTempDirs);

const root = fileURLToPath(new URL('../..', import.meta.url));

async function refusal(dir: string): Promise<{ code: string; message: string; hint?: string }> {
  const err = await openDuckDBBackend(dir).then(
    async (backend) => {
      await backend.close();
      throw new Error(`expected "${dir}" to be refused`);
    },
    (e: unknown) => e,
  );
  return err as { code: string; message: string; hint?: string };
}

/** Runs SQL on a state database directly, as a user with plain DuckDB would. */
async function withDuckDB(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

describe('refused state directories', () => {
  it('refuses a second open in this process until the first is closed', async () => {
    const dir = tempDir();
    const first = await openDuckDBBackend(dir);
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(dir, link); // another name for the same directory
    const err = await refusal(link);
    expect(err).toMatchObject({ code: 'state-locked' });
    expect(err.message).toContain('already open in this process');
    await first.close();
    await (await openDuckDBBackend(dir)).close();
  });

  it('refuses a directory another process holds, naming it and the reason', async () => {
    const dir = tempDir();
    await (await openDuckDBBackend(dir)).close();
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         await DuckDBInstance.create(process.argv[1]);
         console.log('ready');
         setInterval(() => {}, 1000);`,
        path.join(dir, 'state.duckdb'),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const err = await refusal(dir);
      expect(err).toMatchObject({ code: 'state-locked' });
      expect(err.message).toContain(dir);
      expect(err.message).toMatch(/Could not set lock on file/);
      expect(err.hint).toMatch(/another tidemark run is using it/);
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
  });

  it('refuses a state.duckdb that is not a DuckDB database, and leaves it untouched', async () => {
    const dir = tempDir();
    const garbage = Buffer.from('not a database, just some bytes\n'.repeat(200));
    fs.writeFileSync(path.join(dir, 'state.duckdb'), garbage);
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'state-corrupt' });
    expect(err.message).toMatch(/not a valid DuckDB database file/);
    expect(fs.readFileSync(path.join(dir, 'state.duckdb')).equals(garbage)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['state.duckdb']);
  });

  it('refuses a damaged database file', async () => {
    const dir = tempDir();
    await (await openDuckDBBackend(dir)).close();
    const file = path.join(dir, 'state.duckdb');
    const bytes = fs.readFileSync(file);
    bytes.fill(0x55, 4096, 12288); // the database headers
    fs.writeFileSync(file, bytes);
    expect(await refusal(dir)).toMatchObject({ code: 'state-corrupt' });
  });

  it('refuses another state layout version, naming both', async () => {
    const dir = tempDir();
    await (await openDuckDBBackend(dir)).close();
    const file = path.join(dir, 'state.duckdb');
    await withDuckDB(file, `UPDATE tidemark_meta SET "value" = '2' WHERE "key" = 'layout_version'`);
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'state-layout' });
    expect(err.message).toContain('layout version 2; this Tidemark reads version 1');
  });

  it('refuses a DuckDB database that is not Tidemark state', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.duckdb');
    await withDuckDB(file, `CREATE TABLE sales AS SELECT 1 AS amount`);
    const before = fs.readFileSync(file);
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'state-layout' });
    expect(err.message).toContain('not Tidemark state');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a path that is a file, not a directory', async () => {
    const file = path.join(tempDir(), 'plain-file');
    fs.writeFileSync(file, 'x');
    const err = await refusal(file);
    expect(err).toMatchObject({ code: 'state-refused' });
    expect(err.message).toContain(file);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory it cannot write', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o555);
    try {
      expect(await refusal(dir)).toMatchObject({ code: 'state-refused' });
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
});
