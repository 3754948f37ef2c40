// Shared pieces of the engine suites: seeded streams, a reference model of watermarks, the DuckDB oracle, changelog helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as A from 'apache-arrow';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { createEngine, type Change, type Engine, type SourceHandle, type StreamingQuery } from '../../index.ts';

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast, seeded PRNG with values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The table every suite uses, and rows for it

/** One generated row; `m` is DECIMAL(10,2) as its unscaled value (cents), `ts` epoch ms. */
export interface Row {
  k: string | null;
  ki: number | null;
  f: boolean | null;
  i: number | null;
  b: number | null;
  big: bigint | null;
  d: number | null;
  m: number | null;
  s: string | null;
  ts: number;
}

export const BASE_MS = Date.UTC(2026, 0, 1, 10, 0, 0);

/** DDL of table `name` over Row's columns; the watermark trails the largest `ts` by `delayMs`. */
export function tableDdl(name = 't', delayMs = 5000, connector = `'connector' = 'memory'`): string {
  if (delayMs % 1000 !== 0) throw new Error('the tests declare delays in whole seconds');
  const delay = `INTERVAL '${delayMs / 1000}' SECOND`;
  return `CREATE TABLE ${name} (k VARCHAR, ki INT, f BOOLEAN, i INT, b BIGINT, big BIGINT, d DOUBLE, m DECIMAL(10,2),
    s VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - ${delay}) WITH (${connector})`;
}

export type TsForm = 'ms' | 'date' | 'sql' | 'iso' | 'offset';

/** `ms` epoch ms as a pushed TIMESTAMP value in the given form (SPEC §4). */
export function tsValue(ms: number, form: TsForm): unknown {
  switch (form) {
    case 'ms':
      return ms;
    case 'date':
      return new Date(ms);
    case 'sql':
      return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    case 'iso':
      return new Date(ms).toISOString();
    case 'offset': {
      // The same instant written in UTC+02:00.
      const local = new Date(ms + 2 * 3600_000).toISOString().replace('Z', '');
      return `${local}+02:00`;
    }
  }
}

/** A row as pushed through the library: DECIMAL as a number, BIGINT beyond 2^53 as bigint. */
export function pushRow(r: Row, form: TsForm = 'ms'): Record<string, unknown> {
  return {
    k: r.k,
    ki: r.ki,
    f: r.f,
    i: r.i,
    b: r.b,
    big: r.big,
    d: r.d,
    m: r.m === null ? null : r.m / 100,
    s: r.s,
    ts: tsValue(r.ts, form),
  };
}

const TS_FORMS: readonly TsForm[] = ['ms', 'date', 'sql', 'iso', 'offset'];

/** Rows as pushed, each with its timestamp in a form picked by `rng` (all forms must mean the same). */
export function pushRows(rows: readonly Row[], rng?: Rng): Record<string, unknown>[] {
  return rows.map((r) => pushRow(r, rng ? rng.pick(TS_FORMS) : 'ms'));
}

/** The rows as one Arrow Table of `chunks` record batches (timestamps as TimestampMillisecond). */
export function arrowTable(rows: readonly Row[], chunkSizes?: readonly number[]): A.Table {
  const sizes = chunkSizes ?? [rows.length];
  const batches: A.RecordBatch[] = [];
  let at = 0;
  for (const size of sizes) {
    const part = rows.slice(at, at + size);
    at += size;
    if (part.length === 0) continue;
    const table = new A.Table({
      k: A.vectorFromArray(part.map((r) => r.k), new A.Utf8()),
      ki: A.vectorFromArray(part.map((r) => r.ki), new A.Int32()),
      f: A.vectorFromArray(part.map((r) => r.f), new A.Bool()),
      i: A.vectorFromArray(part.map((r) => r.i), new A.Int32()),
      b: A.vectorFromArray(part.map((r) => (r.b === null ? null : BigInt(r.b))), new A.Int64()),
      big: A.vectorFromArray(part.map((r) => r.big), new A.Int64()),
      d: A.vectorFromArray(part.map((r) => r.d), new A.Float64()),
      m: A.vectorFromArray(part.map((r) => (r.m === null ? null : r.m / 100)), new A.Float64()),
      s: A.vectorFromArray(part.map((r) => r.s), new A.Utf8()),
      ts: A.vectorFromArray(part.map((r) => r.ts), new A.TimestampMillisecond()),
    });
    batches.push(...table.batches);
  }
  return new A.Table(batches);
}

export interface StreamOptions {
  readonly seed: number;
  readonly n: number;
  /** Watermark delay of the table: in-order jitter stays within it. */
  readonly delayMs: number;
  /** Largest step of the stream's clock between rows. */
  readonly stepMaxMs: number;
  /** Chance that a row is pushed far back in time (up to lateMaxMs behind the clock), possibly late. */
  readonly lateP?: number;
  readonly lateMaxMs?: number;
  /** Chance that a row is snapped to a multiple of snapMs (a window boundary), within the jitter. */
  readonly snapMs?: number;
  /** Include BIGINT values beyond 2^53 in `big` (else it stays small). */
  readonly bigBeyond53?: boolean;
  readonly startMs?: number;
}

const KEYS = ['a', 'b', 'c', 'd', 'e'];
const STRINGS = ['x', 'y', 'zz', 'é', '😀', '\uff61', ''];

/**
 * Random rows whose clock moves forward; each row's time is the clock minus a jitter within the delay
 * (never late), exactly the watermark sometimes, on a boundary sometimes, and with lateP far behind.
 */
export function genStream(o: StreamOptions): Row[] {
  const rng = new Rng(o.seed);
  const rows: Row[] = [];
  let clock = o.startMs ?? BASE_MS;
  let maxTs = -Infinity;
  const nul = <T>(v: T, p = 0.1): T | null => (rng.chance(p) ? null : v);
  for (let n = 0; n < o.n; n++) {
    clock += rng.int(0, o.stepMaxMs);
    let ts = clock - rng.int(0, o.delayMs);
    if (o.snapMs && rng.chance(0.1)) {
      const up = Math.ceil(ts / o.snapMs) * o.snapMs;
      if (up <= clock) ts = up;
    }
    if (rng.chance(0.05) && maxTs > -Infinity) ts = maxTs - o.delayMs; // exactly at the watermark: on time
    if (o.lateP && rng.chance(o.lateP)) ts = clock - rng.int(0, o.lateMaxMs ?? o.delayMs * 4);
    maxTs = Math.max(maxTs, ts);
    rows.push({
      k: nul(rng.pick(KEYS), 0.05),
      ki: nul(rng.int(0, 3), 0.05),
      f: nul(rng.chance(0.5)),
      i: nul(rng.int(-1000, 1000)),
      b: nul(rng.int(-1_000_000, 1_000_000) * 1_000_003),
      big: nul(o.bigBeyond53 ? (rng.chance(0.5) ? 2n ** 60n : -(2n ** 61n)) + BigInt(rng.int(-1_000_000, 1_000_000)) : BigInt(rng.int(-50, 50))),
      d: nul(rng.float() * 2000 - 1000),
      m: nul(rng.int(-9_999_999, 9_999_999)),
      s: nul(rng.pick(STRINGS)),
      ts,
    });
  }
  return rows;
}

/** Random batch sizes (1..max) that add up to n. */
export function randomCuts(n: number, rng: Rng, max: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    const s = Math.min(left, rng.int(1, max));
    sizes.push(s);
    left -= s;
  }
  return sizes;
}

// ---------------------------------------------------------------------------------------------------------
// Reference model of SPEC §2 for one tumbling window over one source

export interface ModelResult {
  /** Per row: late for its window when it arrived. */
  readonly late: boolean[];
  /** Per row: the source watermark after it (max of ts - delay over it and the rows before it). */
  readonly watermarkAfter: number[];
}

/**
 * Row by row: W = max(ts - delay) over the previous rows (-Infinity before any); a row is late iff its
 * window's end <= W when it arrives. Every row moves the watermark, late or filtered or not.
 */
export function lateModel(rows: readonly Row[], sizeMs: number, delayMs: number): ModelResult {
  let w = -Infinity;
  const late: boolean[] = [];
  const watermarkAfter: number[] = [];
  for (const r of rows) {
    const end = windowStart(r.ts, sizeMs) + sizeMs;
    late.push(end <= w);
    w = Math.max(w, r.ts - delayMs);
    watermarkAfter.push(w);
  }
  return { late, watermarkAfter };
}

export function windowStart(ts: number, sizeMs: number): number {
  return ts - (((ts % sizeMs) + sizeMs) % sizeMs);
}

// ---------------------------------------------------------------------------------------------------------
// Queries

export interface AggCase {
  readonly name: string;
  readonly keys: readonly string[];
  /** Aggregate expressions with aliases, the same SQL in Tidemark and DuckDB: `SUM(i) AS si`. */
  readonly aggs: readonly string[];
  readonly where?: string;
  readonly having?: string;
  /** Output columns compared with a relative tolerance (DOUBLE sums and averages). */
  readonly approx?: readonly string[];
}

export type WindowForm = 'tvf' | 'short' | 'legacy';

/** `INTERVAL '10' SECOND` style (for TVF and legacy forms) and `INTERVAL '10 seconds'` (short form). */
export function intervalSql(sizeMs: number, short = false): string {
  const [n, unit] = sizeMs % 60_000 === 0 ? [sizeMs / 60_000, 'MINUTE'] : [sizeMs / 1000, 'SECOND'];
  return short ? `INTERVAL '${n} ${unit.toLowerCase()}s'` : `INTERVAL '${n}' ${unit}`;
}

/** The case as a Tidemark query over table `t` in one of the three window spellings. */
export function engineSql(c: AggCase, sizeMs: number, form: WindowForm = 'tvf', table = 't'): string {
  const keys = c.keys.map((k) => `, ${k}`).join('');
  const aggs = c.aggs.join(', ');
  const where = c.where ? ` WHERE ${c.where}` : '';
  const having = c.having ? ` HAVING ${c.having}` : '';
  if (form === 'legacy') {
    const iv = intervalSql(sizeMs);
    return `SELECT TUMBLE_START(ts, ${iv}) AS window_start, TUMBLE_END(ts, ${iv}) AS window_end${keys}, ${aggs}
      FROM ${table}${where} GROUP BY TUMBLE(ts, ${iv})${keys}${having}`;
  }
  const from =
    form === 'tvf'
      ? `TABLE(TUMBLE(TABLE ${table}, DESCRIPTOR(ts), ${intervalSql(sizeMs)}))`
      : `TUMBLE(${table}, ts, ${intervalSql(sizeMs, true)})`;
  return `SELECT window_start, window_end${keys}, ${aggs}
    FROM ${from}${where} GROUP BY window_start, window_end${keys}${having}`;
}

// ---------------------------------------------------------------------------------------------------------
// The DuckDB oracle: the same rows as a batch table, the same GROUP BY

/** Cents as exact decimal text: -1234 → '-12.34'. */
export function centsText(cents: number): string {
  const a = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

export class DuckOracle {
  private constructor(private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection) {}

  static async create(): Promise<DuckOracle> {
    const instance = await DuckDBInstance.create(':memory:');
    return new DuckOracle(instance, await instance.connect());
  }

  /** Replaces table `t_raw` with `rows`; `late` marks rows the oracle leaves out. */
  async load(rows: readonly Row[], late?: readonly boolean[]): Promise<void> {
    await this.conn.run(`CREATE OR REPLACE TABLE t_raw (k VARCHAR, ki INTEGER, f BOOLEAN, i INTEGER, b BIGINT, big BIGINT,
      d DOUBLE, m_txt VARCHAR, s VARCHAR, ts_ms BIGINT, late BOOLEAN, idx INTEGER)`);
    const app = await this.conn.createAppender('t_raw');
    rows.forEach((r, n) => {
      str(r.k);
      r.ki === null ? app.appendNull() : app.appendInteger(r.ki);
      r.f === null ? app.appendNull() : app.appendBoolean(r.f);
      r.i === null ? app.appendNull() : app.appendInteger(r.i);
      r.b === null ? app.appendNull() : app.appendBigInt(BigInt(r.b));
      r.big === null ? app.appendNull() : app.appendBigInt(r.big);
      r.d === null ? app.appendNull() : app.appendDouble(r.d);
      str(r.m === null ? null : centsText(r.m));
      str(r.s);
      app.appendBigInt(BigInt(r.ts));
      app.appendBoolean(late?.[n] ?? false);
      app.appendInteger(n);
      app.endRow();
    });
    app.flushSync();
    app.closeSync();
    function str(v: string | null) {
      v === null ? app.appendNull() : app.appendVarchar(v);
    }
  }

  /** The loaded rows with Tidemark's column types and the tumbling window of `sizeMs` (epoch-aligned). */
  private view(sizeMs: number): string {
    return `(SELECT k, ki, f, i, b, big, d, CAST(m_txt AS DECIMAL(10,2)) AS m, s, late, idx,
        epoch_ms(ts_ms) AS ts, epoch_ms(ts_ms - ((ts_ms % ${sizeMs}) + ${sizeMs}) % ${sizeMs}) AS window_start,
        epoch_ms(ts_ms - ((ts_ms % ${sizeMs}) + ${sizeMs}) % ${sizeMs} + ${sizeMs}) AS window_end FROM t_raw)`;
  }

  /** The final result of the case over the loaded, non-late rows. */
  async expected(c: AggCase, sizeMs: number): Promise<Record<string, unknown>[]> {
    const keys = c.keys.map((k) => `, ${k}`).join('');
    const where = c.where ? `(${c.where}) AND NOT late` : 'NOT late';
    const having = c.having ? ` HAVING ${c.having}` : '';
    return this.all(`SELECT window_start, window_end${keys}, ${c.aggs.join(', ')}
      FROM ${this.view(sizeMs)} WHERE ${where} GROUP BY window_start, window_end${keys}${having}`);
  }

  /** Indexes of the late rows that reach the window operator (those passing the case's WHERE), ascending. */
  async lateRows(c: AggCase, sizeMs: number): Promise<number[]> {
    const where = c.where ? `(${c.where}) AND late` : 'late';
    const rows = await this.all(`SELECT idx FROM ${this.view(sizeMs)} WHERE ${where} ORDER BY idx`);
    return rows.map((r) => Number(r['idx']));
  }

  /** A projection with a filter over every loaded row, in arrival order. */
  async project(select: string, where?: string): Promise<Record<string, unknown>[]> {
    return this.all(`SELECT ${select} FROM ${this.view(1000)}${where ? ` WHERE ${where}` : ''} ORDER BY idx`);
  }

  async all(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => normalizeRow(r as Record<string, unknown>));
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Comparing results

/** A value made comparable: Date as epoch ms, bigint as number when safe. */
export function normalize(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  return v;
}

export function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = normalize(v);
  return out;
}

export function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

export function approxEqual(a: unknown, b: unknown, relTol = 1e-9): boolean {
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Asserts two results are the same multiset of rows. Rows are normalized and sorted by their exact
 * columns; `approx` columns only need to agree within the relative tolerance.
 */
export function expectSameRows(
  actual: readonly Record<string, unknown>[],
  expected: readonly Record<string, unknown>[],
  approx: readonly string[] = [],
  label = '',
): void {
  const keyOf = (r: Record<string, unknown>) => stringify(Object.entries(r).filter(([k]) => !approx.includes(k)));
  const sortRows = (rows: readonly Record<string, unknown>[]) =>
    rows.map(normalizeRow).sort((x, y) => (keyOf(x) < keyOf(y) ? -1 : keyOf(x) > keyOf(y) ? 1 : 0));
  const act = sortRows(actual);
  const exp = sortRows(expected);
  for (let n = 0; n < Math.min(act.length, exp.length); n++) {
    for (const col of approx) if (approxEqual(act[n]![col], exp[n]![col])) act[n]![col] = exp[n]![col];
  }
  expect(act, label).toEqual(exp);
}

// ---------------------------------------------------------------------------------------------------------
// Running queries

/** Reads a query's changelog until it ends (source ended, query stopped or engine closed). */
export async function collect(q: StreamingQuery): Promise<Change[]> {
  const out: Change[] = [];
  for await (const c of q) out.push(c);
  return out;
}

/** Pushes `rows` cut into consecutive pushes of the given sizes. */
export async function pushInBatches(src: SourceHandle, rows: readonly unknown[], sizes: readonly number[]): Promise<void> {
  let at = 0;
  for (const s of sizes) {
    await src.push(rows.slice(at, at + s) as object[]);
    at += s;
  }
  expect(at).toBe(rows.length);
}

/** A changelog with values normalized, for exact comparison across runs. */
export function normalizeChanges(changes: readonly Change[]): { op: string; row: Record<string, unknown> }[] {
  return changes.map((c) => ({ op: c.op, row: normalizeRow(c.row) }));
}

/** A fresh in-memory engine with table `t` declared. */
export async function memoryEngine(delayMs = 5000): Promise<Engine> {
  const engine = await createEngine({ checkpointInterval: 0 });
  await engine.exec(tableDdl('t', delayMs));
  return engine;
}

// ---------------------------------------------------------------------------------------------------------
// Temporary directories

export function makeTempDir(prefix = 'tidemark-engine-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
