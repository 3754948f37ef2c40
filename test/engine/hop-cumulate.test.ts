// HOP and CUMULATE windows against a row-by-row model of SPEC §2, pushed in any batching, and across a restart.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../index.ts';
import {
  type Row,
  Rng,
  collect,
  genStream,
  makeTempDir,
  memoryEngine,
  normalizeChanges,
  pushInBatches,
  pushRow,
  randomCuts,
  removeDir,
  tableDdl,
} from './helpers.ts';

interface Spec {
  readonly kind: 'HOP' | 'CUMULATE';
  readonly stepMs: number;
  readonly sizeMs: number;
}

const DELAY = 2000;
const sql = (s: Spec) => `SELECT window_start, window_end, k, COUNT(*) AS n, SUM(i) AS si
  FROM TABLE(${s.kind}(TABLE t, DESCRIPTOR(ts), INTERVAL '${s.stepMs / 1000}' SECOND, INTERVAL '${s.sizeMs / 1000}' SECOND))
  GROUP BY window_start, window_end, k`;

/** Windows containing t, written independently of the engine: all candidate starts, filtered. */
function windowsOf(s: Spec, t: number): [number, number][] {
  const out: [number, number][] = [];
  if (s.kind === 'HOP') {
    for (let start = Math.floor(t / s.stepMs) * s.stepMs; start > t - s.sizeMs; start -= s.stepMs) out.push([start, start + s.sizeMs]);
  } else {
    const start = Math.floor(t / s.sizeMs) * s.sizeMs;
    for (let end = start + s.stepMs; end <= start + s.sizeMs; end += s.stepMs) if (end > t) out.push([start, end]);
  }
  return out;
}

/** Row by row: W is max(ts - delay) of the rows before; a row joins each of its windows whose end > W. */
function model(rows: readonly Row[], s: Spec): { groups: Map<string, { n: number; si: number | null }>; late: number } {
  const groups = new Map<string, { n: number; si: number | null }>();
  let w = -Infinity;
  let late = 0;
  for (const r of rows) {
    let wasLate = false;
    for (const [start, end] of windowsOf(s, r.ts)) {
      if (end <= w) {
        wasLate = true;
        continue;
      }
      const key = `${start}|${end}|${r.k}`;
      const g = groups.get(key) ?? { n: 0, si: null };
      g.n++;
      if (r.i !== null) g.si = (g.si ?? 0) + r.i;
      groups.set(key, g);
    }
    if (wasLate) late++;
    w = Math.max(w, r.ts - DELAY);
  }
  return { groups, late };
}

function resultOf(changes: readonly { op: string; row: Record<string, unknown> }[]): Map<string, { n: number; si: number | null }> {
  const out = new Map<string, { n: number; si: number | null }>();
  for (const { op, row } of changes) {
    expect(op).toBe('+I');
    const key = `${row.window_start as number}|${row.window_end as number}|${row.k}`; // normalized: epoch ms
    expect(out.has(key), `group ${key} emitted twice`).toBe(false);
    out.set(key, { n: row.n as number, si: row.si as number | null });
  }
  return out;
}

const SPECS: Spec[] = [
  { kind: 'HOP', stepMs: 2000, sizeMs: 10_000 },
  { kind: 'HOP', stepMs: 3000, sizeMs: 10_000 }, // size not a multiple of the slide
  { kind: 'CUMULATE', stepMs: 2000, sizeMs: 10_000 },
];

describe('HOP and CUMULATE windows', () => {
  for (const spec of SPECS)
    for (const seed of [1, 2]) {
      it(`${spec.kind} ${spec.stepMs / 1000}s/${spec.sizeMs / 1000}s seed ${seed}: equal to the model, in any batching`, async () => {
        const rows = genStream({ seed, n: 600, delayMs: DELAY, stepMaxMs: 400, lateP: 0.08, lateMaxMs: 12_000, snapMs: 1000 });
        const expected = model(rows, spec);
        const runs: ReturnType<typeof normalizeChanges>[] = [];
        for (const cuts of [rows.map(() => 1), [rows.length], randomCuts(rows.length, new Rng(seed + 10), 40)]) {
          const engine = await memoryEngine(DELAY);
          const q = engine.query(sql(spec));
          await pushInBatches(engine.source('t'), rows.map((r) => pushRow(r)), cuts);
          await engine.source('t').end();
          const changes = normalizeChanges(await collect(q));
          expect(q.lateRowsDropped).toBe(expected.late);
          runs.push(changes);
          await engine.close();
        }
        expect(resultOf(runs[0]!)).toEqual(expected.groups);
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[2]).toEqual(runs[0]);
      });
    }

  it('gives the same changelog with a checkpoint and restart in the middle', async () => {
    const spec = SPECS[0]!;
    const rows = genStream({ seed: 7, n: 400, delayMs: DELAY, stepMaxMs: 400, lateP: 0.05, lateMaxMs: 8000 }).map((r) => pushRow(r));
    const whole = await memoryEngine(DELAY);
    const q0 = whole.query(sql(spec), { name: 'h' });
    await whole.source('t').push(rows);
    await whole.source('t').end();
    const expected = normalizeChanges(await collect(q0));
    await whole.close();

    const dir = makeTempDir();
    try {
      const first = await createEngine({ stateDir: dir, checkpointInterval: 0 });
      await first.exec(tableDdl('t', DELAY));
      const q1 = first.query(sql(spec), { name: 'h' });
      const before = collect(q1);
      await first.source('t').push(rows.slice(0, 217));
      await first.checkpoint();
      await first.close();
      const second = await createEngine({ stateDir: dir, checkpointInterval: 0 });
      await second.exec(tableDdl('t', DELAY));
      const q2 = second.query(sql(spec), { name: 'h' });
      await second.source('t').push(rows.slice(217));
      await second.source('t').end();
      const after = await collect(q2);
      expect(normalizeChanges([...(await before), ...after])).toEqual(expected);
      await second.close();
    } finally {
      removeDir(dir);
    }
  });
});
