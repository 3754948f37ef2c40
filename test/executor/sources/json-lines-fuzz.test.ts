// The JSON byte scanner against JSON.parse: on random and mutated lines both accept, convert and refuse alike.
import { describe, expect, it } from 'vitest';
import { rowsToBatch } from '../../../executor/sources/rows-to-batch.ts';
import { describeValue } from '../../../executor/sources/value-convert.ts';
import { TidemarkError } from '../../../parser/errors.ts';
import { clicks, options, readAll, rowsOf, tempFile } from './file-source-helpers.ts';

let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const scalars = [
  '"u1"', '"é日"', '"a\\"b"', '"\\u0041\\n"', '""', '12', '-3', '0', '3.5', '1e3', '-0.25E-2', '12345678901234567890',
  'true', 'false', 'null', '"2026-01-01 10:00:00"', '"2026-01-01T10:00:00.5+01:00"', '"nope"', '1767261600000',
];
const nested = ['[]', '{}', '[1,"x",[true]]', '{"a":{"b":[null]}}', '[ 1 , 2 ]'];
const keys = ['user_id', 'url', 'event_time', 'n', 'USER_ID', 'Url', 'extra', 'n2', 'ev\\u0065nt_time'];
const junk = ['"', ',', '}', '{', '[', ']', ':', '\\', ' ', 'x', '1', '.', '-', 'e', 'n'];

function randomLine(): string {
  const used = new Set<string>();
  const members: string[] = [];
  const count = Math.floor(rand() * 6);
  for (let i = 0; i < count; i++) {
    const key = pick(keys);
    // Two spellings of one column differing only in case would make "which wins" order-dependent.
    const norm = key.toLowerCase().replace('\\u0065', 'e');
    if (used.has(norm) && key !== norm) continue;
    used.add(norm);
    const value = rand() < 0.15 ? pick(nested) : pick(scalars);
    members.push(`${rand() < 0.2 ? ' ' : ''}"${key}"${rand() < 0.2 ? ' ' : ''}:${value}`);
  }
  if (!used.has('event_time') && rand() < 0.7) {
    members.splice(Math.floor(rand() * (members.length + 1)), 0, '"event_time":"2026-01-01 10:00:00"');
  }
  let line = `{${members.join(',')}}`;
  if (rand() < 0.1) line = pick(['[1]', '"s"', '7', 'null', ' {} ']);
  const mutations = rand() < 0.5 ? Math.floor(rand() * 3) : 0;
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(rand() * (line.length + 1));
    line = rand() < 0.5 ? line.slice(0, at) + pick(junk) + line.slice(at) : line.slice(0, at) + line.slice(at + 1);
  }
  return line.trim() === '' ? '{}' : line.replace(/\n/g, '');
}

/** What the line should give: a row, or the reason it is refused, via JSON.parse and the push path. */
function reference(line: string): { row: Record<string, unknown> } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const msg = (e as Error).message;
    return { reason: `invalid JSON: ${msg.length > 100 ? msg.slice(0, 100) + '…' : msg}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { reason: `expected a JSON object, found ${describeValue(value)}` };
  }
  try {
    return { row: rowsOf(rowsToBatch([value], clicks, { required: ['event_time'] }))[0]! };
  } catch (e) {
    if (!(e instanceof TidemarkError)) throw e;
    return { reason: e.summary.replace(/^row 0: /, '') };
  }
}

describe('JSON scanner vs JSON.parse', () => {
  it('agree on 3000 random lines', async () => {
    const lines = Array.from({ length: 3000 }, randomLine);
    const path = tempFile(lines.join('\n') + '\n', 'jsonl');
    const skipped: { line: number; reason: string }[] = [];
    const { rows } = await readAll(options(path, 'json', { onError: 'skip', batchRows: 100, onSkip: (s) => skipped.push(s) }));
    const wantRows: Record<string, unknown>[] = [];
    const wantSkipped: { line: number; reason: string }[] = [];
    lines.forEach((line, i) => {
      const r = reference(line);
      if ('row' in r) wantRows.push(r.row);
      else wantSkipped.push({ line: i + 1, reason: r.reason });
    });
    expect(skipped.map((s) => ({ line: s.line, reason: s.reason }))).toEqual(wantSkipped);
    expect(rows).toEqual(wantRows);
    // Both outcomes are well represented.
    expect(wantRows.length).toBeGreaterThan(300);
    expect(wantSkipped.length).toBeGreaterThan(300);
  });
});
