// SPEC §2: the same rows in the same order give the same changelog however the input is cut into pushes.
import { describe, expect, it } from 'vitest';
import type { SourceHandle } from '../../index.ts';
import {
  type AggCase,
  BASE_MS,
  type Row,
  Rng,
  arrowTable,
  collect,
  engineSql,
  genStream,
  lateModel,
  memoryEngine,
  normalizeChanges,
  pushInBatches,
  pushRows,
  randomCuts,
} from './helpers.ts';

const DELAY_MS = 5000;

interface Mode {
  readonly name: string;
  push(src: SourceHandle, rows: readonly Row[]): Promise<void>;
}

const MODES: readonly Mode[] = [
  { name: 'one row per push', push: (src, rows) => pushInBatches(src, pushRows(rows), rows.map(() => 1)) },
  { name: 'one push of every row', push: (src, rows) => src.push(pushRows(rows)) },
  {
    name: 'random pushes of mixed timestamp forms',
    push: (src, rows) => {
      const rng = new Rng(rows.length * 13 + 1);
      return pushInBatches(src, pushRows(rows, rng), randomCuts(rows.length, rng, 40));
    },
  },
  { name: 'one Arrow Table of one batch', push: (src, rows) => src.push(arrowTable(rows)) },
  {
    name: 'one Arrow Table of many batches',
    push: (src, rows) => src.push(arrowTable(rows, randomCuts(rows.length, new Rng(rows.length + 5), 25))),
  },
  {
    name: 'Arrow RecordBatches, one per push',
    push: async (src, rows) => {
      for (const batch of arrowTable(rows, randomCuts(rows.length, new Rng(rows.length + 9), 30)).batches) await src.push(batch);
    },
  },
];

async function run(sql: string, rows: readonly Row[], mode: Mode) {
  const engine = await memoryEngine(DELAY_MS);
  try {
    const q = engine.query(sql, { name: 'batching' });
    const src = engine.source('t');
    await mode.push(src, rows);
    await src.end();
    const changes = normalizeChanges(await collect(q));
    return { changes, late: q.lateRowsDropped };
  } finally {
    await engine.close();
  }
}

/** Runs every mode and asserts they all give the first mode's changelog; returns it. */
async function expectSameInEveryMode(sql: string, rows: readonly Row[]) {
  const first = await run(sql, rows, MODES[0]!);
  for (const mode of MODES.slice(1)) {
    const other = await run(sql, rows, mode);
    expect(other.changes, `${mode.name} vs ${MODES[0]!.name}`).toEqual(first.changes);
    expect(other.late, `late rows, ${mode.name}`).toBe(first.late);
  }
  return first;
}

// ---------------------------------------------------------------------------------------------------------
// A hand-made stream on the boundaries: 10 s windows, watermark = max(ts) - 5 s.

const r = (sec: number, k: string, i: number): Row => ({
  k,
  ki: null,
  f: null,
  i,
  b: null,
  big: null,
  d: null,
  m: null,
  s: null,
  ts: BASE_MS + Math.round(sec * 1000),
});

const BOUNDARY_ROWS: readonly Row[] = [
  r(1, 'a', 1), //        W after: -4
  r(3, 'b', 2), //        -2
  r(9.999, 'a', 3), //    4.999
  r(14.999, 'b', 4), //   9.999: [0,10) does not fire yet (Flink's rule would fire it at W = end - 1 ms)
  r(9.999, 'c', 5), //    arrives at W = 9.999 < 10: on time for [0,10)
  r(15, 'a', 6), //       W = 10 = end of [0,10): fires a, b, c (in order of first arrival)
  r(9, 'd', 7), //        late: end 10 <= W 10
  r(10, 'd', 8), //       exactly on the boundary and exactly at the watermark: [10,20), on time
  r(5, 'a', 9), //        late
  r(24.999, 'c', 10), //  W = 19.999
  r(19.999, 'a', 11), //  on time for [10,20)
  r(25, 'b', 12), //      W = 20: fires [10,20): b (first at 14.999), a (15), d (10)
  r(19.999, 'e', 13), //  late: end 20 <= W 20
  r(20, 'e', 14), //      exactly at the watermark, on time for [20,30)
  r(31, 'b', 15), //      W = 26
  r(45, 'a', 16), //      W = 40: fires [20,30) then [30,40)
  r(29.999, 'z', 17), //  late
]; //                     end of input: fires [40,50)

const BOUNDARY_SQL = `SELECT window_start, window_end, k, COUNT(*) AS c, SUM(i) AS si
  FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k`;

const at = (sec: number) => BASE_MS + sec * 1000;
const change = (start: number, k: string, c: number, si: number) => ({
  op: '+I',
  row: { window_start: at(start), window_end: at(start + 10), k, c, si },
});
const BOUNDARY_EXPECTED = [
  change(0, 'a', 2, 4),
  change(0, 'b', 1, 2),
  change(0, 'c', 1, 5),
  change(10, 'b', 1, 4),
  change(10, 'a', 2, 17),
  change(10, 'd', 1, 8),
  change(20, 'c', 1, 10),
  change(20, 'b', 1, 12),
  change(20, 'e', 1, 14),
  change(30, 'b', 1, 15),
  change(40, 'a', 1, 16),
];
/** How many changes have been emitted after each row (before end of input). */
const EMITTED_AFTER_ROW = [0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 6, 6, 6, 6, 10, 10];

describe('a stream on the window boundaries', () => {
  it('the model agrees with the hand-worked comments', () => {
    const model = lateModel(BOUNDARY_ROWS, 10_000, DELAY_MS);
    expect(model.late.flatMap((l, n) => (l ? [n + 1] : []))).toEqual([7, 9, 13, 17]);
  });

  it('fires at W >= window_end and drops rows with window_end <= W, in every batching', async () => {
    const result = await expectSameInEveryMode(BOUNDARY_SQL, BOUNDARY_ROWS);
    expect(result.changes).toEqual(BOUNDARY_EXPECTED);
    expect(result.late).toBe(4);
  });

  it('emits each firing as soon as the row that moves the watermark is processed', async () => {
    const engine = await memoryEngine(DELAY_MS);
    try {
      const q = engine.query(BOUNDARY_SQL);
      const src = engine.source('t');
      for (const [n, row] of pushRows(BOUNDARY_ROWS).entries()) {
        await src.push(row);
        await q.drain();
        expect((await q.snapshot()).length, `after row ${n + 1}`).toBe(EMITTED_AFTER_ROW[n]);
      }
      await src.end();
      expect(normalizeChanges(await collect(q))).toEqual(BOUNDARY_EXPECTED);
    } finally {
      await engine.close();
    }
  });

  it('a single push fires windows in the middle of the batch and judges later rows by that watermark', async () => {
    const engine = await memoryEngine(DELAY_MS);
    try {
      const q = engine.query(BOUNDARY_SQL);
      const src = engine.source('t');
      await src.push(pushRows(BOUNDARY_ROWS));
      await q.drain();
      expect(q.lateRowsDropped).toBe(4);
      expect(normalizeChanges((await q.snapshot()).map((row) => ({ op: '+I' as const, row })))).toEqual(BOUNDARY_EXPECTED.slice(0, 10));
      await src.end();
    } finally {
      await engine.close();
    }
  });
});

describe('the watermark comes before WHERE', () => {
  it('rows the filter drops still move the watermark, fire windows and make later rows late', async () => {
    const sql = BOUNDARY_SQL.replace('GROUP BY', "WHERE k <> 'x' GROUP BY");
    const rows = [r(1, 'a', 1), r(15, 'x', 2), r(9, 'a', 3), r(12, 'b', 4), r(30, 'x', 5)];
    const result = await expectSameInEveryMode(sql, rows);
    expect(result.changes).toEqual([change(0, 'a', 1, 1), change(10, 'b', 1, 4)]);
    expect(result.late).toBe(1);
    // After the first two rows alone, [0,10) has fired although only a filtered row moved the watermark.
    const engine = await memoryEngine(DELAY_MS);
    try {
      const q = engine.query(sql);
      await engine.source('t').push(pushRows(rows.slice(0, 2)));
      await q.drain();
      expect(await q.snapshot()).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Random streams with late rows

const RANDOM_CASES: readonly AggCase[] = [
  {
    name: 'by VARCHAR key',
    keys: ['k'],
    aggs: ['COUNT(*) AS c', 'SUM(i) AS si', 'MIN(i) AS mni', 'MAX(d) AS mxd', 'AVG(d) AS ad', 'SUM(d) AS sd', 'SUM(m) AS sm', 'MAX(ts) AS mxt'],
  },
  {
    name: 'by two keys with WHERE and HAVING',
    keys: ['ki', 'f'],
    aggs: ['COUNT(*) AS c', 'AVG(i) AS ai', 'MIN(s) AS mns', 'SUM(b) AS sb'],
    where: "k <> 'a' OR i > 0",
    having: 'COUNT(*) >= 2',
  },
];

describe('random streams with late rows', () => {
  for (const [ci, c] of RANDOM_CASES.entries()) {
    for (const sizeMs of [1000, 10_000]) {
      it(`${c.name}, ${sizeMs} ms windows`, async () => {
        for (const seed of [101, 202]) {
          const rows = genStream({
            seed: seed + ci + sizeMs,
            n: 250,
            delayMs: DELAY_MS,
            stepMaxMs: Math.round((30 * sizeMs) / 250),
            snapMs: sizeMs,
            lateP: 0.2,
            lateMaxMs: 3 * sizeMs + DELAY_MS,
          });
          const result = await expectSameInEveryMode(engineSql(c, sizeMs, 'tvf'), rows);
          expect(result.changes.length).toBeGreaterThan(5);
          expect(result.late).toBeGreaterThan(0);
        }
      });
    }
  }
});
