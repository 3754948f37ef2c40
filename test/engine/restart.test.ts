// SPEC §4 and §6: a query stopped at a checkpoint and resumed in a new engine emits exactly what one uninterrupted run emits.
import { afterEach, describe, expect, it } from 'vitest';
import { type Change, createEngine, type Engine, TidemarkError } from '../../index.ts';
import {
  BASE_MS,
  type Row,
  Rng,
  collect,
  genStream,
  lateModel,
  makeTempDir,
  memoryEngine,
  normalizeChanges,
  pushInBatches,
  pushRows,
  randomCuts,
  removeDir,
  tableDdl,
} from './helpers.ts';

const DELAY_MS = 5000;
const SQL = `SELECT window_start, window_end, k, f, COUNT(*) AS c, SUM(i) AS si, AVG(i) AS ai, MAX(d) AS mxd, SUM(d) AS sd,
    AVG(m) AS am, SUM(m) AS sm, MIN(ts) AS mnt, MIN(s) AS mns, MAX(b) AS mxb, COUNT(ki) AS cki
  FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE i IS NULL OR i <> 0
  GROUP BY window_start, window_end, k, f`;

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => undefined);
  for (const d of dirs.splice(0)) removeDir(d);
});

function stateDir(): string {
  const dir = makeTempDir('tidemark-restart-');
  dirs.push(dir);
  return dir;
}

async function open(dir: string, opts: { onStateMismatch?: 'error' | 'discard' } = {}): Promise<Engine> {
  const engine = await createEngine({ stateDir: dir, checkpointInterval: 0, ...opts });
  engines.push(engine);
  await engine.exec(tableDdl('t', DELAY_MS));
  return engine;
}

async function closeEngine(engine: Engine): Promise<void> {
  engines.splice(engines.indexOf(engine), 1);
  await engine.close();
}

/** Pushes in small random batches, so a cut also lands between and inside batches of the other run. */
async function pushAll(engine: Engine, rows: readonly Row[], seed: number): Promise<void> {
  if (rows.length === 0) return;
  const rng = new Rng(seed);
  await pushInBatches(engine.source('t'), pushRows(rows, rng), randomCuts(rows.length, rng, 7));
}

/** Run A: every row in one engine, then end of input. */
async function uninterrupted(rows: readonly Row[], sql = SQL) {
  const engine = await memoryEngine(DELAY_MS);
  try {
    const q = engine.query(sql, { name: 'q1' });
    await pushAll(engine, rows, 1);
    await engine.source('t').end();
    return { changes: normalizeChanges(await collect(q)), late: q.lateRowsDropped };
  } finally {
    await engine.close();
  }
}

interface Segment {
  readonly changes: Change[];
  readonly late: number;
}

/**
 * Run B: one engine lifetime on `dir` that pushes `rows` (after `before` accepted rows) and then either
 * ends the input or checkpoints (explicitly or only through close) and closes.
 */
async function lifetime(
  dir: string,
  rows: readonly Row[],
  o: { before: number; end: boolean; explicitCheckpoint?: boolean; seed: number; sql?: string },
): Promise<Segment> {
  const engine = await open(dir);
  const src = engine.source('t');
  expect(src.accepted, 'accepted rows restored from the last checkpoint').toBe(o.before);
  const q = engine.query(o.sql ?? SQL, { name: 'q1' });
  const reading = collect(q);
  await pushAll(engine, rows, o.seed);
  if (o.end) {
    await src.end();
  } else {
    await q.drain();
    if (o.explicitCheckpoint ?? true) {
      const cp = await engine.checkpoint();
      expect(cp.sources['t'], 'checkpoint() reports the accepted rows').toBe(o.before + rows.length);
      expect(cp.epoch).toBeGreaterThan(0);
    }
  }
  const late = q.lateRowsDropped;
  await closeEngine(engine);
  return { changes: await reading, late };
}

/** Runs the rows through restarts at `cuts` (ascending row counts) and compares with one uninterrupted run. */
async function expectResumesExactly(rows: readonly Row[], cuts: readonly number[], explicitCheckpoint = true) {
  const a = await uninterrupted(rows);
  const dir = stateDir();
  const bounds = [0, ...cuts, rows.length];
  const all: Change[] = [];
  let late = 0;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const last = s + 2 === bounds.length;
    const seg = await lifetime(dir, rows.slice(bounds[s], bounds[s + 1]), {
      before: bounds[s]!,
      end: last,
      explicitCheckpoint,
      seed: 100 + s,
    });
    all.push(...seg.changes);
    late += seg.late;
  }
  expect(normalizeChanges(all), `restarts after rows ${cuts.join(', ')}`).toEqual(a.changes);
  expect(late, 'late rows over all lifetimes').toBe(a.late);
  return a;
}

// ---------------------------------------------------------------------------------------------------------

const row = (sec: number, k: string, i: number): Row => ({
  k,
  ki: null,
  f: null,
  i,
  b: null,
  big: null,
  d: i * 1.5,
  m: i * 101,
  s: null,
  ts: BASE_MS + Math.round(sec * 1000),
});

/** 10 s windows, W = max(ts) - 5 s; the comments give W after each row. */
const HAND_ROWS: readonly Row[] = [
  row(1, 'a', 1), //       -4
  row(3, 'b', 2), //       -2
  row(9.999, 'a', 3), //   4.999
  row(14.999, 'b', 4), //  9.999
  row(9.999, 'c', 5), //   on time
  row(15, 'a', 6), //      10: [0,10) fires
  row(9, 'd', 7), //       late
  row(10, 'd', 8), //      on the boundary, at the watermark
  row(5, 'a', 9), //       late
  row(24.999, 'c', 10), // 19.999
  row(19.999, 'a', 11), // on time
  row(25, 'b', 12), //     20: [10,20) fires
  row(19.999, 'e', 13), // late
  row(20, 'e', 14), //     at the watermark
  row(31, 'b', 15), //     26
  row(45, 'a', 16), //     40: [20,30) and [30,40) fire
  row(29.999, 'z', 17), // late
];

describe('resume from a checkpoint', () => {
  it('the hand-made stream is what the comments say', () => {
    expect(lateModel(HAND_ROWS, 10_000, DELAY_MS).late.flatMap((l, n) => (l ? [n + 1] : []))).toEqual([7, 9, 13, 17]);
  });

  it('at every cut point of a stream on the window boundaries', async () => {
    const a = await uninterrupted(HAND_ROWS);
    expect(a.changes).toHaveLength(11);
    expect(a.late).toBe(4);
    // Cut 5: inside open windows; 6: right after [0,10) fired, the next row late by the restored watermark;
    // 12: right after [10,20) fired, with a late row next; 0 and 17: nothing before / everything before.
    for (let cut = 0; cut <= HAND_ROWS.length; cut++) await expectResumesExactly(HAND_ROWS, [cut]);
  });

  it('through several restarts in one stream', async () => {
    await expectResumesExactly(HAND_ROWS, [2, 6, 7, 12, 13, 16]);
  });

  it('when close() takes the only checkpoint', async () => {
    for (const cut of [5, 6, 12]) await expectResumesExactly(HAND_ROWS, [cut], false);
  });

  it('random streams with late rows, cut anywhere', async () => {
    for (const seed of [3, 4]) {
      const rows = genStream({ seed, n: 200, delayMs: DELAY_MS, stepMaxMs: 1500, snapMs: 10_000, lateP: 0.15, lateMaxMs: 30_000 });
      const model = lateModel(rows, 10_000, DELAY_MS);
      const late = model.late.flatMap((l, n) => (l ? [n] : []));
      // Right before a late row (it arrives in the new engine), in the middle, and a random spot.
      const cuts = [...new Set([late[0]!, late[Math.floor(late.length / 2)]!, new Rng(seed).int(1, rows.length - 1)])].sort((x, y) => x - y);
      for (const cut of cuts) await expectResumesExactly(rows, [cut]);
      await expectResumesExactly(rows, cuts);
    }
  });
});

describe('two queries on one source', () => {
  const OTHER = `SELECT TUMBLE_START(ts, INTERVAL '1' SECOND) AS ws, ki, COUNT(*) AS c, MIN(k) AS mnk
    FROM t GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), ki`;

  it('both resume from the same checkpoint', async () => {
    const rows = genStream({ seed: 8, n: 150, delayMs: DELAY_MS, stepMaxMs: 1500, lateP: 0.15, lateMaxMs: 20_000 });
    const full = await memoryEngine(DELAY_MS);
    const a1 = full.query(SQL, { name: 'q1' });
    const a2 = full.query(OTHER, { name: 'q2' });
    await pushAll(full, rows, 1);
    await full.source('t').end();
    const expected = [normalizeChanges(await collect(a1)), normalizeChanges(await collect(a2))];
    await full.close();

    const dir = stateDir();
    const got: Change[][] = [[], []];
    for (const [s, part] of [rows.slice(0, 70), rows.slice(70)].entries()) {
      const engine = await open(dir);
      const qs = [engine.query(SQL, { name: 'q1' }), engine.query(OTHER, { name: 'q2' })];
      const reading = qs.map(collect);
      await pushAll(engine, part, 10 + s);
      if (s === 1) await engine.source('t').end();
      else await engine.checkpoint();
      await closeEngine(engine);
      for (const [n, r] of reading.entries()) got[n]!.push(...(await r));
    }
    expect(normalizeChanges(got[0]!)).toEqual(expected[0]);
    expect(normalizeChanges(got[1]!)).toEqual(expected[1]);
  });
});

describe('accepted rows and checkpoints', () => {
  it('checkpoint() returns each source’s accepted count, and a reopened source reports it', async () => {
    const dir = stateDir();
    const e1 = await open(dir);
    const q = e1.query(SQL, { name: 'q1' });
    await e1.source('t').push(pushRows(HAND_ROWS.slice(0, 4)));
    await q.drain();
    const cp1 = await e1.checkpoint();
    expect(cp1.sources).toEqual({ t: 4 });
    await e1.source('t').push(pushRows(HAND_ROWS.slice(4, 9)));
    const cp2 = await e1.checkpoint();
    expect(cp2.sources).toEqual({ t: 9 });
    expect(cp2.epoch).toBeGreaterThan(cp1.epoch);
    await closeEngine(e1);

    const e2 = await open(dir);
    expect(e2.source('t').accepted).toBe(9);
    await e2.source('t').push(pushRows(HAND_ROWS.slice(9, 11)));
    expect(e2.source('t').accepted).toBe(11);
    expect((await e2.checkpoint()).sources).toEqual({ t: 11 });
    await closeEngine(e2);
  });
});

describe('a changed query under the same name', () => {
  const CHANGED = [
    SQL.replace('COUNT(*) AS c', 'COUNT(i) AS c'),
    SQL.replace("INTERVAL '10' SECOND", "INTERVAL '20' SECOND"),
  ];

  async function firstRun(dir: string): Promise<Change[]> {
    return (await lifetime(dir, HAND_ROWS.slice(0, 10), { before: 0, end: false, seed: 1 })).changes;
  }

  /** The error starting `sql` under q1 gives, thrown by query() or reported by drain(). */
  async function startError(engine: Engine, sql: string): Promise<unknown> {
    try {
      const q = engine.query(sql, { name: 'q1' });
      await q.drain();
      return undefined;
    } catch (e) {
      return e;
    }
  }

  it('is refused with state-mismatch', async () => {
    const a = await uninterrupted(HAND_ROWS);
    for (const sql of CHANGED) {
      const dir = stateDir();
      const before = await firstRun(dir);
      const engine = await open(dir);
      const err = await startError(engine, sql);
      expect(err).toBeInstanceOf(TidemarkError);
      expect((err as TidemarkError).code).toBe('state-mismatch');
      await closeEngine(engine);
      // Refusing does not damage the state: the unchanged query still resumes.
      const rest = await lifetime(dir, HAND_ROWS.slice(10), { before: 10, end: true, seed: 2 });
      expect(normalizeChanges([...before, ...rest.changes])).toEqual(a.changes);
    }
  });

  it("starts fresh with onStateMismatch: 'discard'", async () => {
    for (const sql of CHANGED) {
      const dir = stateDir();
      await firstRun(dir);
      const engine = await open(dir, { onStateMismatch: 'discard' });
      const q = engine.query(sql, { name: 'q1' });
      const reading = collect(q);
      // Rows the old state would find late (row 13 is behind the old watermark) count as new.
      await engine.source('t').push(pushRows(HAND_ROWS.slice(12)));
      await engine.source('t').end();
      const changes = normalizeChanges(await reading);
      const late = q.lateRowsDropped;
      await closeEngine(engine);

      const fresh = await memoryEngine(DELAY_MS);
      const qf = fresh.query(sql, { name: 'q1' });
      await fresh.source('t').push(pushRows(HAND_ROWS.slice(12)));
      await fresh.source('t').end();
      expect(changes).toEqual(normalizeChanges(await collect(qf)));
      expect(late).toBe(qf.lateRowsDropped);
      await fresh.close();
    }
  });
});
