// The file source over JSON Lines: values, projection, line splitting, resume positions and bad rows.
import { describe, expect, it } from 'vitest';
import { clicks, options, readAll, T0, tempFile } from './file-source-helpers.ts';

const line = (user: string, sec: number, n: number) =>
  JSON.stringify({ user_id: user, url: `/p/${n}`, event_time: new Date(T0 + sec * 1000).toISOString(), n });

function manyLines(count: number): string {
  return Array.from({ length: count }, (_, i) => line(`u${i}`, i, i)).join('\n') + '\n';
}

describe('file source: JSON Lines', () => {
  it('reads values of every form the fast scanner and JSON.parse see', async () => {
    const path = tempFile(
      [
        '{"user_id":"a","url":"/x","event_time":"2026-01-01 10:00:00","n":1}',
        '{ "event_time" : "2026-01-01T10:00:01Z" , "user_id" : "b\\"q\\u00e9" , "n" : -2 , "extra" : [1, {"deep": true}] }',
        '{"USER_ID":"c","event_time":1767261602000,"url":null,"n":"3"}',
        '{"user_id":12,"event_time":"2026-01-01T11:00:03+01:00","n":4e0}',
        '{"user_id":"日本","url":"/ü","event_time":"2026-01-01 10:00:04.5","user_id":"last wins"}',
        '{"user_id":"tab\\there \\ud83c\\udf89","url":"","event_time":"2026-01-01T10:00:05.000Z","n":null}',
      ].join('\n'),
      'jsonl',
    );
    const { rows, error } = await readAll(options(path, 'json'));
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { user_id: 'a', url: '/x', event_time: T0, n: 1 },
      { user_id: 'b"qé', url: null, event_time: T0 + 1000, n: -2 },
      { user_id: 'c', url: null, event_time: T0 + 2000, n: 3 },
      { user_id: '12', url: null, event_time: T0 + 3000, n: 4 },
      { user_id: 'last wins', url: '/ü', event_time: T0 + 4500, n: null },
      { user_id: 'tab\there 🎉', url: '', event_time: T0 + 5000, n: null },
    ]);
  });

  it('validates and skips nested values, deep ones through JSON.parse', async () => {
    const deep = '['.repeat(300) + ']'.repeat(300);
    const path = tempFile(
      [
        '{"tags":["a",{"b":[1,2.5e3,null,true,false,"\\\\"]}],"meta":{},"user_id":"a","event_time":"2026-01-01 10:00:00"}',
        `{"user_id":"b","deep":${deep},"event_time":"2026-01-01 10:00:01"}`,
        '{"user_id":"c","event_time":"2026-01-01 10:00:02","x":[1,2}',
      ].join('\n'),
      'jsonl',
    );
    const { rows, error } = await readAll(options(path, 'json'));
    expect(rows.map((r) => r.user_id)).toEqual(['a', 'b']);
    expect(error!.summary).toMatch(/^data\/clicks\.jsonl:3: invalid JSON: /);
  });

  it('produces exactly the projected columns, in their order', async () => {
    const path = tempFile(manyLines(3), 'jsonl');
    const { chunks, rows } = await readAll(options(path, 'json', { columns: ['event_time', 'user_id'] }));
    expect(chunks[0]!.batch.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      'event_time: Timestamp<MILLISECOND>',
      'user_id: Utf8',
    ]);
    expect(rows[2]).toEqual({ event_time: T0 + 2000, user_id: 'u2' });
    const none = await readAll(options(path, 'json', { columns: [], required: [] }));
    expect(none.chunks[0]!.batch.numRows).toBe(3);
  });

  it('handles CRLF, blank lines, a BOM and a last line without a newline', async () => {
    const text = '\ufeff' + line('a', 0, 0) + '\r\n\r\n  \n' + line('b', 1, 1) + '\r\n\n' + line('c', 2, 2);
    const path = tempFile(text, 'jsonl');
    const { rows, chunks } = await readAll(options(path, 'json'));
    expect(rows.map((r) => r.user_id)).toEqual(['a', 'b', 'c']);
    expect(chunks.at(-1)!.end).toEqual({ offset: Buffer.byteLength(text), line: 7 });
  });

  it('gives the same rows for every chunk size and batch size', async () => {
    const path = tempFile(manyLines(200).replace(/\n/g, (m, i: number) => (i % 3 === 0 ? '\r\n' : m)), 'jsonl');
    const whole = await readAll(options(path, 'json'));
    expect(whole.rows).toHaveLength(200);
    for (const chunkBytes of [16, 33, 50, 64, 100, 4096]) {
      for (const batchRows of [1, 7, 64]) {
        const { rows, chunks } = await readAll(options(path, 'json', { chunkBytes, batchRows }));
        expect(rows).toEqual(whole.rows);
        expect(chunks.every((c) => c.batch.numRows <= batchRows)).toBe(true);
      }
    }
  });

  it('resumes from any chunk end with exactly the remaining rows', async () => {
    const path = tempFile('\n' + manyLines(50).replace(/\n/g, (m, i: number) => (i % 4 === 0 ? '\r\n\n' : m)), 'jsonl');
    const whole = await readAll(options(path, 'json'));
    const cut = await readAll(options(path, 'json', { chunkBytes: 40, batchRows: 6 }));
    let before = 0;
    for (const chunk of cut.chunks) {
      before += chunk.batch.numRows;
      const rest = await readAll(options(path, 'json', { start: chunk.end, chunkBytes: 64, batchRows: 5 }));
      expect([...whole.rows.slice(0, before), ...rest.rows]).toEqual(whole.rows);
    }
  });

  it('fails on a bad value after returning the rows before it, with file and line', async () => {
    const text = [line('a', 0, 0), line('b', 1, 1), '', '{"user_id":"c","event_time":"yesterday"}', line('d', 3, 3)].join('\n');
    const path = tempFile(text, 'jsonl');
    const { rows, chunks, error } = await readAll(options(path, 'json'));
    expect(rows.map((r) => r.user_id)).toEqual(['a', 'b']);
    const badOffset = text.indexOf('{"user_id":"c"');
    expect(chunks[0]!.end).toEqual({ offset: badOffset, line: 4 });
    expect(error!.code).toBe('bad-row');
    expect(error!.summary).toBe(
      `data/clicks.jsonl:4: column "event_time": expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "yesterday"`,
    );
    // Resuming at the bad line meets it again, first thing.
    const again = await readAll(options(path, 'json', { start: chunks[0]!.end }));
    expect(again.rows).toEqual([]);
    expect(again.error!.summary).toBe(error!.summary);
  });

  it.each([
    ['{"user_id":"x","event_time":', /^data\/clicks\.jsonl:2: invalid JSON: .+/],
    ['[1,2]', /^data\/clicks\.jsonl:2: expected a JSON object, found an array$/],
    ['5', /^data\/clicks\.jsonl:2: expected a JSON object, found 5$/],
    ['{"user_id":"x"}', /^data\/clicks\.jsonl:2: column "event_time": expected a value \(the column must not be NULL\), found none$/],
    ['{"user_id":"x","event_time":null}', /^data\/clicks\.jsonl:2: column "event_time": expected a value .*found NULL$/],
    ['{"user_id":{"a":1},"event_time":"2026-01-01"}', /^data\/clicks\.jsonl:2: column "user_id": expected VARCHAR, found an object$/],
    ['{"user_id":"\\u00e9","n":[],"event_time":"2026-01-01"}', /^data\/clicks\.jsonl:2: column "n": expected INT, found an array$/],
    ['{"user_id":"x","event_time":"2026-01-01",}', /^data\/clicks\.jsonl:2: invalid JSON: /],
    ['{"user_id":"x","event_time":"2026-01-01","n":01}', /^data\/clicks\.jsonl:2: invalid JSON: /],
    ['{"user_id":"x","event_time":"2026-01-01","n":tru}', /^data\/clicks\.jsonl:2: invalid JSON: /],
    ['{"n":3.5,"event_time":"2026-01-01"}', /^data\/clicks\.jsonl:2: column "n": expected INT, found 3\.5$/],
    ['{"n":1,"event_time":"2026-01-01"} x', /^data\/clicks\.jsonl:2: invalid JSON: /],
    ['{"a":"\\x"}', /^data\/clicks\.jsonl:2: invalid JSON: /],
  ])('bad line %s', async (bad, message) => {
    const path = tempFile([line('a', 0, 0), bad, line('c', 2, 2)].join('\n'), 'jsonl');
    const { rows, error } = await readAll(options(path, 'json'));
    expect(rows).toHaveLength(1);
    expect(error!.code).toBe('bad-row');
    expect(error!.summary).toMatch(message);
  });

  it('skips and counts bad rows with onError skip', async () => {
    const text = ['nope', line('a', 0, 0), '{"event_time":"later"}', line('b', 1, 1), '{}'].join('\n') + '\n';
    const path = tempFile(text, 'jsonl');
    const seen: { line: number; text: string; reason: string }[] = [];
    const { rows, skipped, error, chunks } = await readAll(
      options(path, 'json', { onError: 'skip', batchRows: 1, onSkip: (r) => seen.push(r) }),
    );
    expect(error).toBeUndefined();
    expect(rows.map((r) => r.user_id)).toEqual(['a', 'b']);
    expect(skipped).toBe(3);
    expect(seen.map((s) => [s.line, s.text])).toEqual([
      [1, 'nope'],
      [3, '{"event_time":"later"}'],
      [5, '{}'],
    ]);
    expect(seen[1]!.reason).toMatch(/^column "event_time": expected TIMESTAMP/);
    expect(chunks.at(-1)!.end.offset).toBe(Buffer.byteLength(text));
    expect(chunks.at(-1)!.batch.numRows).toBe(0);
  });

  it('reports an unreadable file', async () => {
    const { error } = await readAll({ ...options('/nonexistent/x.jsonl', 'json'), displayPath: 'x.jsonl' });
    expect(error!.code).toBe('file-unreadable');
    expect(error!.summary).toBe('cannot read x.jsonl: no such file');
  });

  it('an empty file has no batches', async () => {
    const { chunks, rows } = await readAll(options(tempFile('', 'jsonl'), 'json'));
    expect(chunks).toEqual([]);
    expect(rows).toEqual([]);
    expect(clicks.fields).toHaveLength(4);
  });
});
