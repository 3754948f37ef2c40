// Tidemark vs DuckDB on the tumbling-window example: the same generated clicks, in the same process.
// Usage: npm run bench [-- --rows 2000000 --keys 10000]   (needs the built package: npm run build)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as A from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../dist/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('rows', 2_000_000);
const KEYS = arg('keys', 10_000);
const BATCH = arg('batch', 65_536);
const REPEAT = arg('repeat', 3);
const DELAY_MS = 5000;
const T0 = Date.UTC(2026, 0, 1, 10);

/** Clicks at ~1000 events/s of event time, up to 4 s out of order (within the 5 s watermark delay). */
function generate(n) {
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0) >>> 0) / 4294967296;
  const users = new Int32Array(n);
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    users[i] = Math.floor(rnd() * KEYS);
    ts[i] = T0 + i - Math.floor(rnd() * 4000);
  }
  return { users, ts };
}

function utf8Column(strings) {
  const enc = new TextEncoder();
  const offsets = new Int32Array(strings.length + 1);
  const parts = strings.map((s) => enc.encode(s));
  let total = 0;
  parts.forEach((p, i) => ((total += p.length), (offsets[i + 1] = total)));
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  return A.makeData({ type: new A.Utf8(), length: strings.length, valueOffsets: offsets, data: bytes });
}

function arrowBatches({ users, ts }) {
  const names = Array.from({ length: KEYS }, (_, k) => `u${k}`);
  const batches = [];
  for (let s = 0; s < users.length; s += BATCH) {
    const e = Math.min(users.length, s + BATCH);
    const n = e - s;
    const t64 = new BigInt64Array(n);
    const w = new Int32Array(t64.buffer);
    for (let i = 0; i < n; i++) {
      const v = ts[s + i];
      const hi = Math.floor(v / 4294967296);
      w[2 * i] = v - hi * 4294967296;
      w[2 * i + 1] = hi;
    }
    const user = utf8Column(Array.from(users.subarray(s, e), (u) => names[u]));
    const url = utf8Column(new Array(n).fill('/home'));
    const time = A.makeData({ type: new A.TimestampMillisecond(), length: n, data: t64 });
    batches.push(new A.Table({ user_id: A.makeVector(user), url: A.makeVector(url), event_time: A.makeVector(time) }));
  }
  return batches;
}

const DDL = (connector) => `CREATE TABLE clicks (user_id VARCHAR, url VARCHAR, event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '${DELAY_MS / 1000}' SECOND) WITH (${connector})`;
const QUERY = `SELECT window_start, window_end, user_id, COUNT(*) AS clicks
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, user_id`;

async function tidemark(push, options = {}) {
  const engine = await createEngine(options);
  await engine.exec(DDL("'connector' = 'memory'"));
  const q = engine.query(QUERY);
  let rows = 0;
  let clicks = 0;
  const consume = (async () => {
    for await (const b of q.batches()) {
      rows += b.numRows;
      for (const v of b.getChild('clicks')) clicks += Number(v);
    }
  })();
  const src = engine.source('clicks');
  const t = performance.now();
  await push(src, engine);
  await src.end();
  await consume;
  const ms = performance.now() - t;
  await engine.close();
  return { ms, rows, clicks };
}

async function duckdb(file, threads) {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads), autoinstall_known_extensions: 'false' });
  const con = await db.connect();
  const tl = performance.now();
  await con.run(`CREATE TABLE ev AS SELECT * FROM read_json('${file}', format = 'newline_delimited',
    columns = {user_id: 'VARCHAR', url: 'VARCHAR', event_time: 'TIMESTAMP'})`);
  const loadMs = performance.now() - tl;
  const times = [];
  let result;
  for (let r = 0; r < REPEAT; r++) {
    const t = performance.now();
    const reader = await con.runAndReadAll(`SELECT count(*) AS n, sum(clicks) AS c FROM (
      SELECT time_bucket(INTERVAL '10 minutes', event_time) AS window_start, user_id, count(*) AS clicks FROM ev GROUP BY ALL)`);
    times.push(performance.now() - t);
    result = reader.getRowObjectsJS()[0];
  }
  con.closeSync?.();
  return { loadMs, ms: median(times), rows: Number(result.n), clicks: Number(result.c) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (ms) => (ROWS / (ms / 1000) / 1e6).toFixed(2) + ' M events/s';

const data = generate(ROWS);
const tables = arrowBatches(data);
const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-'));
const jsonl = join(dir, 'clicks.jsonl');
{
  const lines = [];
  for (let i = 0; i < ROWS; i++)
    lines.push(`{"user_id":"u${data.users[i]}","url":"/home","event_time":"${new Date(data.ts[i]).toISOString().replace('T', ' ').slice(0, 23)}"}`);
  writeFileSync(jsonl, lines.join('\n') + '\n');
}

console.log(`# Tumbling COUNT(*) per user per 10 min: ${ROWS.toLocaleString()} events, ${KEYS.toLocaleString()} users, batches of ${BATCH}`);
console.log(`node ${process.version}, ${process.arch}, load avg ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);

const arrowRuns = [];
for (let r = 0; r < REPEAT; r++) arrowRuns.push(await tidemark(async (src) => { for (const t of tables) await src.push(t); }));
const arrow = arrowRuns.sort((a, b) => a.ms - b.ms)[Math.floor(REPEAT / 2)];

const stateDir = mkdtempSync(join(tmpdir(), 'tidemark-bench-state-'));
const durable = await tidemark(async (src, engine) => {
  for (let i = 0; i < tables.length; i++) {
    await src.push(tables[i]);
    if (i % 8 === 7) await engine.checkpoint();
  }
}, { stateDir, checkpointInterval: 0 });
rmSync(stateDir, { recursive: true, force: true });

const objRows = Math.min(ROWS, 1_000_000);
const objects = Array.from({ length: objRows }, (_, i) => ({ user_id: `u${data.users[i]}`, url: '/home', event_time: data.ts[i] }));
const objRun = await tidemark(async (src) => { for (let s = 0; s < objRows; s += 10_000) await src.push(objects.slice(s, s + 10_000)); });

const sqlFile = join(dir, 'q.sql');
writeFileSync(sqlFile, `${DDL(`'connector' = 'file', 'path' = 'clicks.jsonl', 'format' = 'json'`)};\n${QUERY};\n`);
const tc = performance.now();
execFileSync(process.execPath, [new URL('../dist/cli/main.js', import.meta.url).pathname, 'run', sqlFile, '-q', '--format', 'jsonl'], { stdio: ['ignore', 'ignore', 'inherit'] });
const cliMs = performance.now() - tc;

const d1 = await duckdb(jsonl, 1);
const d2 = await duckdb(jsonl, 2);

if (arrow.rows !== d1.rows || arrow.clicks !== ROWS || d1.clicks !== ROWS) console.log(`!! result mismatch: tidemark ${arrow.rows} groups / ${arrow.clicks} clicks, duckdb ${d1.rows} / ${d1.clicks}`);
console.log('');
console.log('| what | time | throughput | vs DuckDB threads=1 |');
console.log('|---|---|---|---|');
const row = (what, ms, n = ROWS) => console.log(`| ${what} | ${ms.toFixed(0)} ms | ${(n / (ms / 1000) / 1e6).toFixed(2)} M events/s | ${((n / ms) / (ROWS / d1.ms)).toFixed(2)}x |`);
row('Tidemark library, Arrow batches (push → windows fired → output batches)', arrow.ms);
row(`Tidemark library, Arrow batches, durable: checkpoint to DuckDB every ${8 * BATCH} rows`, durable.ms);
row(`Tidemark library, row objects (${objRows.toLocaleString()} rows, 10k per push)`, objRun.ms, objRows);
row('Tidemark CLI, JSON-lines file → jsonl on stdout (parse-bound)', cliMs);
row('DuckDB batch GROUP BY, threads=1 (query only; table preloaded)', d1.ms);
row('DuckDB batch GROUP BY, threads=2 (query only)', d2.ms);
row('DuckDB read_json load + nothing else, threads=1', d1.loadMs);
console.log(`\nresult groups: tidemark ${arrow.rows}, duckdb ${d1.rows}; rate ${rate(arrow.ms)}`);
rmSync(dir, { recursive: true, force: true });
