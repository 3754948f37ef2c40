// Measures how fast the DuckDB state backend commits 100k changed rows of a windowed-aggregate state table
// (gid BIGINT key, window_start TIMESTAMP, user VARCHAR, cnt BIGINT, sum DOUBLE), and scans them back.
// Usage: npm run build && node bench/state-commit.mjs [rowsPerEpoch=100000] [epochs=10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as A from 'apache-arrow';
import { openDuckDBBackend } from '../dist/state/duckdb-backend.js';
import { makeBatch } from '../dist/executor/vector/arrow-types.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const EPOCHS = Number(process.argv[3] ?? 10);

const schema = {
  fields: [
    { name: 'gid', type: { id: 'BIGINT' }, nullable: false },
    { name: 'window_start', type: { id: 'TIMESTAMP', precision: 3 }, nullable: false },
    { name: 'user', type: { id: 'VARCHAR' }, nullable: false },
    { name: 'cnt', type: { id: 'BIGINT' }, nullable: false },
    { name: 'sum', type: { id: 'DOUBLE' }, nullable: false },
  ],
};

/** Epoch e changes keys [e·ROWS/2, e·ROWS/2 + ROWS): half update the previous epoch's keys, half are new. */
function changes(epoch) {
  const first = (epoch * ROWS) / 2;
  const gid = new BigInt64Array(ROWS);
  const windowStart = new BigInt64Array(ROWS);
  const cnt = new BigInt64Array(ROWS);
  const sum = new Float64Array(ROWS);
  const users = new Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const k = first + i;
    gid[i] = BigInt(k);
    windowStart[i] = BigInt(1_767_225_600_000 + (k % 1440) * 60_000);
    cnt[i] = BigInt(epoch + 1);
    sum[i] = k * 0.25 + epoch;
    users[i] = `user-${k % 50_000}`;
  }
  const fixed = (type, data) => A.makeData({ type, length: ROWS, nullCount: 0, data });
  return makeBatch(
    schema,
    [
      fixed(new A.Int64(), gid),
      fixed(new A.TimestampMillisecond(), windowStart),
      A.vectorFromArray(users, new A.Utf8()).data[0],
      fixed(new A.Int64(), cnt),
      fixed(new A.Float64(), sum),
    ],
    ROWS,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidemark-bench-state-'));
const backend = await openDuckDBBackend(dir);
await backend.registerQuery('bench', 'fp', 'error');
const table = await backend.table('bench_agg', 'windows', schema, ['gid']);
const times = [];
const cpuTimes = []; // CPU of all of the process's threads: steadier than wall time on a busy machine
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const batch = changes(epoch);
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  table.upsert(batch);
  await backend.commit({ epoch, positions: [], sinks: [], accepted: {} });
  times.push(performance.now() - start);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
}
const scanStart = performance.now();
let scanned = 0;
for await (const batch of table.scan()) scanned += batch.numRows;
const scanMs = performance.now() - scanStart;
await backend.close();
fs.rmSync(dir, { recursive: true, force: true });

const rate = (rows, ms) => `${((rows / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
const [commitMs, bestMs] = [median(times), Math.min(...times)];
console.log(`commit of ${ROWS} changed rows (half updates, half inserts), ${EPOCHS} epochs:`);
console.log(`  median ${commitMs.toFixed(0)} ms = ${rate(ROWS, commitMs)}`);
console.log(`  best ${bestMs.toFixed(0)} ms = ${rate(ROWS, bestMs)}; CPU median ${median(cpuTimes).toFixed(0)} ms`);
console.log(`  each: ${times.map((t) => t.toFixed(0)).join(' ')} ms`);
console.log(`scan of ${scanned} rows: ${scanMs.toFixed(0)} ms = ${rate(scanned, scanMs)}`);
