// Mutated SQL never crashes the parser or the planner: every input either plans or fails with a TidemarkError.
import { describe, expect, it } from 'vitest';
import { TidemarkError } from '../../parser/errors.ts';
import { Session } from '../../executor/session/session.ts';

const SEEDS = [
  `CREATE TABLE clicks (user_id VARCHAR, url VARCHAR, event_time TIMESTAMP(3),
     WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND) WITH ('connector' = 'memory');`,
  `SELECT window_start, window_end, user_id, COUNT(*) AS clicks
     FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
     WHERE url <> '/' AND user_id IS NOT NULL GROUP BY window_start, window_end, user_id HAVING COUNT(*) > 1;`,
  `SELECT HOP_START(event_time, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), MAX(url) FROM clicks
     GROUP BY HOP(event_time, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), user_id;`,
  `SELECT CASE WHEN url LIKE '/a%' THEN UPPER(url) ELSE 'x' || url END, CAST(event_time AS VARCHAR),
     event_time + INTERVAL '1' HOUR, 1 + 2 * 3 / 4 % 5 FROM clicks WHERE url IN ('/a', '/b') OR NOT url BETWEEN 'a' AND 'b';`,
];
const PIECES = ['(', ')', ',', ';', "'", '"', '`', 'SELECT', 'FROM', 'GROUP BY', 'WHERE', 'TABLE', 'INTERVAL', '*', '-', '--', '/*', 'NULL', '1e999', '9223372036854775808', 'é', '\u0000', '\n'];

/** A small seeded PRNG, so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(sql: string, r: () => number): string {
  let s = sql;
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.35) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8)); // delete a few characters
    else if (op < 0.7) s = s.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + s.slice(at); // insert a token
    else {
      const from = Math.floor(r() * s.length);
      s = s.slice(0, at) + s.slice(from, from + 1 + Math.floor(r() * 12)) + s.slice(at); // duplicate a span
    }
  }
  return s;
}

describe('parser and planner under mutated input', () => {
  it('plans or reports a TidemarkError with a position for 2,000 mutations', async () => {
    const r = rng(20261121);
    let failures = 0;
    for (let i = 0; i < 2000; i++) {
      const session = await Session.open();
      const base = SEEDS[0]!;
      const sql = i % 4 === 0 ? mutate(base, r) : `${base}\n${mutate(SEEDS[1 + (i % 3)]!, r)}`;
      try {
        for (const _ of session.plan(sql, { file: 'fuzz.sql' })) void _;
      } catch (e) {
        if (!(e instanceof TidemarkError)) throw new Error(`not a TidemarkError for input:\n${sql}\n${(e as Error).stack}`);
        expect(e.message).toMatch(/^error\[[a-z-]+\]/);
        expect(e.span, `no position for:\n${sql}\n${e.message}`).toBeDefined();
        failures++;
      }
      await session.close();
    }
    expect(failures).toBeGreaterThan(1000); // most mutations are mistakes, so the check above ran often
  });
});
