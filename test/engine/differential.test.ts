// Differential tests: random streams through tumbling-window queries must give what DuckDB's batch GROUP BY gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AggCase,
  DuckOracle,
  type Row,
  Rng,
  type WindowForm,
  collect,
  engineSql,
  expectSameRows,
  genStream,
  lateModel,
  memoryEngine,
  normalizeRow,
  pushRows,
  randomCuts,
} from './helpers.ts';

const DELAY_MS = 5000;
const SIZES = [1000, 10_000, 600_000];
const SEEDS = [11, 22, 33];
const FORMS: readonly WindowForm[] = ['tvf', 'short', 'legacy'];

const CASES: readonly AggCase[] = [
  {
    name: 'INT aggregates by a VARCHAR key',
    keys: ['k'],
    aggs: ['COUNT(*) AS c', 'COUNT(i) AS ci', 'SUM(i) AS si', 'MIN(i) AS mni', 'MAX(i) AS mxi', 'AVG(i) AS ai'],
    approx: ['ai'],
  },
  {
    name: 'BIGINT and DOUBLE aggregates by an INT key',
    keys: ['ki'],
    aggs: ['SUM(b) AS sb', 'AVG(b) AS ab', 'MIN(b) AS mnb', 'MAX(b) AS mxb', 'COUNT(d) AS cd', 'SUM(d) AS sd', 'AVG(d) AS ad', 'MIN(d) AS mnd', 'MAX(d) AS mxd'],
    approx: ['ab', 'sd', 'ad'],
  },
  {
    name: 'DECIMAL, VARCHAR and TIMESTAMP aggregates by two keys',
    keys: ['k', 'f'],
    aggs: ['SUM(m) AS sm', 'AVG(m) AS am', 'MIN(m) AS mnm', 'MAX(m) AS mxm', 'COUNT(m) AS cm', 'COUNT(s) AS cs', 'MIN(ts) AS mnt', 'MAX(ts) AS mxt', 'MIN(ki) AS mnk'],
    approx: ['am'],
  },
  {
    name: 'one group per window, with WHERE',
    keys: [],
    aggs: ['COUNT(*) AS c', 'SUM(i) AS si', 'MAX(d) AS mxd', 'MIN(f) AS mnf', 'MAX(f) AS mxf', 'SUM(m) AS sm'],
    where: 'i > 0',
  },
  {
    name: 'WHERE with NULLs (three-valued OR) and HAVING',
    keys: ['k'],
    aggs: ['COUNT(*) AS c', 'SUM(m) AS sm', 'MAX(b) AS mxb', 'AVG(d) AS ad'],
    where: "k <> 'c' OR d < 0",
    having: 'COUNT(*) > 1',
    approx: ['ad'],
  },
  {
    name: 'WHERE with NOT, IN, BETWEEN, IS NULL; BOOLEAN and INT keys',
    keys: ['f', 'ki'],
    aggs: ['COUNT(*) AS c', 'COUNT(k) AS ck', 'MIN(k) AS mnk', 'MAX(i) AS mxi', 'SUM(b) AS sb'],
    where: 'NOT (i > 500) AND (s IS NULL OR ki IN (1, 2) OR i BETWEEN -100 AND 100)',
  },
  {
    name: 'expressions over and inside aggregates',
    keys: ['k'],
    aggs: ['MAX(i) - MIN(i) AS spread', 'COUNT(*) * 2 + 1 AS c2', 'SUM(i * 2) AS s2', 'MAX(d + 1) AS md1', 'SUM(m * 2) AS sm2'],
  },
  {
    name: 'VARCHAR key with non-ASCII and empty strings',
    keys: ['s'],
    aggs: ['COUNT(*) AS c', 'SUM(i) AS si', 'MIN(k) AS mnk', 'MAX(k) AS mxk'],
  },
];

/** A clock step that spreads n rows over about 15 windows. */
function stepFor(sizeMs: number, n: number): number {
  return Math.max(2, Math.round((30 * sizeMs) / n));
}

let oracle: DuckOracle;
beforeAll(async () => {
  oracle = await DuckOracle.create();
});
afterAll(() => oracle?.close());

interface RunSpec {
  readonly c: AggCase;
  readonly sizeMs: number;
  readonly seed: number;
  readonly form: WindowForm;
  readonly rows: readonly Row[];
}

/**
 * Pushes the rows in random batches; at several points the result so far must be exactly the final
 * result's windows that the watermark has closed, and the late count the model's; at the end, the
 * whole result must equal DuckDB's over the rows that were not late.
 */
async function runAgainstOracle({ c, sizeMs, seed, form, rows }: RunSpec): Promise<{ late: number }> {
  const model = lateModel(rows, sizeMs, DELAY_MS);
  await oracle.load(rows, model.late);
  const expected = await oracle.expected(c, sizeMs);
  const lateRows = await oracle.lateRows(c, sizeMs);
  const approx = c.approx ?? [];

  const engine = await memoryEngine(DELAY_MS);
  try {
    const q = engine.query(engineSql(c, sizeMs, form), { name: 'diff' });
    const src = engine.source('t');
    const rng = new Rng(seed * 7919 + sizeMs);
    const pushed = pushRows(rows, rng);
    let at = 0;
    for (const [n, size] of randomCuts(rows.length, rng, 60).entries()) {
      await src.push(pushed.slice(at, at + size));
      at += size;
      if (n % 4 !== 0) continue;
      await q.drain();
      const w = model.watermarkAfter[at - 1]!;
      const label = `${c.name}, size ${sizeMs} ms, seed ${seed}, ${form}, after ${at} rows (W = ${new Date(w).toISOString()})`;
      expectSameRows(await q.snapshot(), expected.filter((r) => (r['window_end'] as number) <= w), approx, label);
      expect(q.lateRowsDropped, `late rows, ${label}`).toBe(lateRows.filter((x) => x < at).length);
    }
    await src.end();
    const changes = await collect(q);
    const label = `${c.name}, size ${sizeMs} ms, seed ${seed}, ${form}, final`;
    expect(new Set(changes.map((ch) => ch.op)), label).toEqual(new Set(changes.length ? ['+I'] : []));
    expectSameRows(
      changes.map((ch) => ch.row),
      expected,
      approx,
      label,
    );
    expect(q.lateRowsDropped, `late rows, ${label}`).toBe(lateRows.length);
    return { late: lateRows.length };
  } finally {
    await engine.close();
  }
}

describe('in-order streams (jitter within the watermark delay) match DuckDB', () => {
  for (const [ci, c] of CASES.entries()) {
    for (const sizeMs of SIZES) {
      it(`${c.name}, ${sizeMs} ms windows`, async () => {
        for (const [si, seed] of SEEDS.entries()) {
          const n = 300 + 100 * si;
          const rows = genStream({ seed: seed * 1000 + ci, n, delayMs: DELAY_MS, stepMaxMs: stepFor(sizeMs, n), snapMs: sizeMs });
          // The generator keeps every row within the delay: the model must find nothing late.
          expect(lateModel(rows, sizeMs, DELAY_MS).late.filter(Boolean)).toHaveLength(0);
          await runAgainstOracle({ c, sizeMs, seed, form: FORMS[(ci + si) % FORMS.length]!, rows });
        }
      });
    }
  }
});

describe('streams with late rows match DuckDB over the rows the model keeps', () => {
  for (const [ci, c] of CASES.entries()) {
    for (const sizeMs of [1000, 10_000]) {
      it(`${c.name}, ${sizeMs} ms windows`, async () => {
        let late = 0;
        for (const [si, seed] of SEEDS.entries()) {
          const n = 400;
          const rows = genStream({
            seed: seed * 31 + ci + 5,
            n,
            delayMs: DELAY_MS,
            stepMaxMs: stepFor(sizeMs, n),
            snapMs: sizeMs,
            lateP: 0.15,
            lateMaxMs: 3 * sizeMs + DELAY_MS,
          });
          late += (await runAgainstOracle({ c, sizeMs, seed, form: FORMS[(ci + si + 1) % FORMS.length]!, rows })).late;
        }
        expect(late, 'the streams do exercise late rows').toBeGreaterThan(10);
      });
    }
  }
});

describe('projections and filters without a window', () => {
  // Append-only and without a window: every row that passes the filter comes out, late or not, in arrival order.
  const SELECT = `k, i * 2 + 1 AS i2, d / 2 AS d2, m + 1 AS m1, ts, k IS NULL AS kn,
    CASE WHEN i > 0 THEN 'pos' ELSE 'neg' END AS sign, i % 7 AS r, ABS(i) AS ai, COALESCE(k, 'none') AS kc, -b AS nb, f`;
  for (const where of [undefined, "i > -500 AND (k IS NULL OR k <> 'b')"]) {
    it(where ? `with WHERE ${where}` : 'without WHERE', async () => {
      for (const seed of [41, 42]) {
        const rows = genStream({ seed, n: 300, delayMs: DELAY_MS, stepMaxMs: 200, lateP: 0.2, lateMaxMs: 60_000 });
        await oracle.load(rows);
        const expected = await oracle.project(SELECT, where);
        const engine = await memoryEngine(DELAY_MS);
        try {
          const q = engine.query(`SELECT ${SELECT} FROM t${where ? ` WHERE ${where}` : ''}`);
          const rng = new Rng(seed);
          const src = engine.source('t');
          let at = 0;
          const pushed = pushRows(rows, rng);
          for (const size of randomCuts(rows.length, rng, 50)) {
            await src.push(pushed.slice(at, (at += size)));
          }
          await src.end();
          const changes = await collect(q);
          expect(changes.every((c) => c.op === '+I')).toBe(true);
          expect(changes.map((c) => normalizeRow(c.row))).toEqual(expected);
          expect(q.lateRowsDropped).toBe(0);
        } finally {
          await engine.close();
        }
      }
    });
  }
});

describe('timestamps before 1970', () => {
  // Windows are aligned to the epoch on both sides of it: -10 s .. 0 is a window, not -5 s .. 5 s.
  for (const sizeMs of [1000, 10_000]) {
    it(`streams crossing the epoch, ${sizeMs} ms windows`, async () => {
      for (const seed of [51, 52]) {
        const rows = genStream({
          seed,
          n: 300,
          delayMs: DELAY_MS,
          stepMaxMs: stepFor(sizeMs, 300),
          snapMs: sizeMs,
          lateP: 0.1,
          lateMaxMs: 3 * sizeMs,
          startMs: -8 * sizeMs,
        });
        expect(rows.some((r) => r.ts < 0) && rows.some((r) => r.ts > 0)).toBe(true);
        await runAgainstOracle({ c: CASES[0]!, sizeMs, seed, form: 'tvf', rows });
      }
    });
  }
});

describe('VARCHAR order', () => {
  // DuckDB, Spark and Flink order strings by code point (UTF-8 bytes): '\uff61' < '😀' (U+1F600), although
  // JavaScript's UTF-16 comparison puts the surrogate pair first.
  it('MIN and MAX over non-ASCII strings follow code point order', async () => {
    const c: AggCase = { name: 'MIN/MAX over VARCHAR', keys: ['k'], aggs: ['MIN(s) AS mns', 'MAX(s) AS mxs', 'COUNT(s) AS cs'] };
    for (const seed of [7, 8]) {
      const rows = genStream({ seed, n: 300, delayMs: DELAY_MS, stepMaxMs: stepFor(10_000, 300) });
      await runAgainstOracle({ c, sizeMs: 10_000, seed, form: 'tvf', rows });
    }
  });
});

describe('BIGINT values beyond 2^53', () => {
  it('COUNT, MIN and MAX are exact', async () => {
    const c: AggCase = {
      name: 'BIGINT beyond 2^53',
      keys: ['k'],
      aggs: ['COUNT(big) AS cb', 'MIN(big) AS mnb', 'MAX(big) AS mxb', 'COUNT(*) AS c'],
    };
    for (const seed of [5, 6]) {
      const rows = genStream({ seed, n: 300, delayMs: DELAY_MS, stepMaxMs: stepFor(10_000, 300), bigBeyond53: true, lateP: 0.1, lateMaxMs: 30_000 });
      await runAgainstOracle({ c, sizeMs: 10_000, seed, form: 'tvf', rows });
    }
  });

  it('in a WHERE comparison', async () => {
    const c: AggCase = { name: 'WHERE over BIGINT beyond 2^53', keys: ['k'], aggs: ['COUNT(*) AS c', 'MAX(i) AS mxi'], where: 'big > 0' };
    const rows = genStream({ seed: 12, n: 200, delayMs: DELAY_MS, stepMaxMs: stepFor(10_000, 200), bigBeyond53: true });
    await runAgainstOracle({ c, sizeMs: 10_000, seed: 12, form: 'tvf', rows });
  });

  it('as a grouping key', async () => {
    const c: AggCase = { name: 'BIGINT key beyond 2^53', keys: ['big'], aggs: ['COUNT(*) AS c', 'SUM(i) AS si'] };
    const rows = genStream({ seed: 9, n: 300, delayMs: DELAY_MS, stepMaxMs: stepFor(10_000, 300), bigBeyond53: true }).map((r, n) => ({
      ...r,
      big: r.big === null ? null : 2n ** 60n + BigInt(n % 7),
    }));
    await runAgainstOracle({ c, sizeMs: 10_000, seed: 9, form: 'tvf', rows });
  });
});
