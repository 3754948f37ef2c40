// Shared fixtures for the file source tests: temporary files and reading a source to plain rows.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as A from 'apache-arrow';
import { openFileSource, type FileSourceChunk, type FileSourceOptions } from '../../../executor/sources/file-source.ts';
import { TidemarkError } from '../../../parser/errors.ts';
import { INT, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-sources-'));
let counter = 0;

/** Writes `content` to a fresh file and returns its absolute path. */
export function tempFile(content: string | Uint8Array, ext = 'txt'): string {
  const path = join(dir, `f${counter++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

export const clicks: Schema = {
  fields: [
    { name: 'user_id', type: VARCHAR, nullable: true },
    { name: 'url', type: VARCHAR, nullable: true },
    { name: 'event_time', type: TIMESTAMP, nullable: true },
    { name: 'n', type: INT, nullable: true },
  ],
};

export const T0 = Date.UTC(2026, 0, 1, 10);

export function options(path: string, format: 'json' | 'csv', more: Partial<FileSourceOptions> = {}): FileSourceOptions {
  return {
    path,
    displayPath: `data/${format === 'json' ? 'clicks.jsonl' : 'clicks.csv'}`,
    format,
    schema: clicks,
    columns: ['user_id', 'url', 'event_time', 'n'],
    required: ['event_time'],
    onError: 'fail',
    ...more,
  };
}

export function rowsOf(batch: A.RecordBatch): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, unknown> = {};
    batch.schema.fields.forEach((f, c) => (row[f.name] = batch.getChildAt(c)!.get(r)));
    out.push(row);
  }
  return out;
}

export interface ReadResult {
  rows: Record<string, unknown>[];
  chunks: FileSourceChunk[];
  skipped: number;
  error?: TidemarkError;
}

/** Reads a source to its end (or its first error), keeping every chunk. */
export async function readAll(opts: FileSourceOptions): Promise<ReadResult> {
  const src = openFileSource(opts);
  const result: ReadResult = { rows: [], chunks: [], skipped: 0 };
  try {
    for (let c = await src.next(); c !== null; c = await src.next()) {
      result.chunks.push(c);
      result.rows.push(...rowsOf(c.batch));
      result.skipped += c.skipped;
    }
  } catch (e) {
    if (!(e instanceof TidemarkError)) throw e;
    result.error = e;
  } finally {
    await src.close();
  }
  return result;
}
