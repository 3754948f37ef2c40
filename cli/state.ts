// `tidemark state DIR`: what a state directory holds: the last checkpoint, its queries, sources and state tables.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatTimestamp } from '../planner/timestamp.ts';
import { EXIT, report } from './exit-codes.ts';

export async function showState(dir: string): Promise<number> {
  if (!existsSync(resolve(dir, 'state.duckdb'))) {
    process.stderr.write(`tidemark: ${dir} holds no Tidemark state (no state.duckdb)\n`);
    return EXIT.usage;
  }
  const { openDuckDBBackend } = await import('../state/duckdb-backend.ts');
  let backend;
  try {
    backend = await openDuckDBBackend(resolve(dir));
  } catch (e) {
    return report(e);
  }
  try {
    const { checkpoint, queries, tables } = await backend.describe();
    const out: string[] = [];
    const wm = (w: number) => (w === -Infinity ? 'none yet' : w === Infinity ? 'end of input' : formatTimestamp(w));
    out.push(checkpoint ? `checkpoint: epoch ${checkpoint.epoch} at ${checkpoint.committedAt.toISOString()}` : 'checkpoint: none committed yet');
    for (const q of queries) {
      out.push(`query ${q.name} (plan ${q.fingerprint})`);
      for (const p of checkpoint?.positions.filter((p) => p.query === q.name) ?? [])
        out.push(`  source ${p.source}: at ${JSON.stringify(p.position)}, watermark ${wm(p.watermark)}`);
      for (const s of checkpoint?.sinks.filter((s) => s.query === q.name) ?? []) out.push(`  sink ${s.sink}: committed ${JSON.stringify(s.marker)}`);
      for (const t of tables.filter((t) => t.query === q.name)) out.push(`  state ${t.table}: ${t.rows} rows`);
    }
    for (const [source, rows] of Object.entries(checkpoint?.accepted ?? {})) out.push(`memory source ${source}: ${rows} rows accepted`);
    process.stdout.write(out.join('\n') + '\n');
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}
