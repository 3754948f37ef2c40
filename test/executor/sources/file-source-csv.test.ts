// The file source over CSV: headers, quoting, NULLs, projection, line splitting, resume positions and bad rows.
import { describe, expect, it } from 'vitest';
import { options, readAll, T0, tempFile } from './file-source-helpers.ts';

const rowsText = (count: number) =>
  Array.from({ length: count }, (_, i) => `u${i},/p/${i},2026-01-01 10:00:${String(i % 60).padStart(2, '0')},${i}`).join('\n') + '\n';

describe('file source: CSV', () => {
  it('detects a header naming the columns in any order and case, and maps by it', async () => {
    const path = tempFile('N,Event_Time,url,user_id\n7,2026-01-01T10:00:00Z,/a,u1\n', 'csv');
    const { rows, chunks } = await readAll(options(path, 'csv'));
    expect(rows).toEqual([{ user_id: 'u1', url: '/a', event_time: T0, n: 7 }]);
    expect(chunks[0]!.end.line).toBe(3);
  });

  it('reads by schema position without a header', async () => {
    const path = tempFile('u1,/a,2026-01-01 10:00:00,1\nu2,/b,2026-01-01 10:00:01,2\n', 'csv');
    const { rows } = await readAll(options(path, 'csv'));
    expect(rows).toEqual([
      { user_id: 'u1', url: '/a', event_time: T0, n: 1 },
      { user_id: 'u2', url: '/b', event_time: T0 + 1000, n: 2 },
    ]);
  });

  it('a partial header is data when auto-detecting, names when header is true', async () => {
    const path = tempFile('event_time,user_id\n2026-01-01 10:00:00,u1\n', 'csv');
    const auto = await readAll(options(path, 'csv'));
    expect(auto.error!.summary).toBe('data/clicks.csv:1: expected 4 fields, found 2');
    const named = await readAll(options(path, 'csv', { csv: { header: true } }));
    expect(named.rows).toEqual([{ user_id: 'u1', url: null, event_time: T0, n: null }]);
    const noTime = tempFile('user_id,url\nu1,/a\n', 'csv');
    const missing = await readAll(options(noTime, 'csv', { csv: { header: true } }));
    expect(missing.error!.summary).toBe('data/clicks.csv:1: the header has no column "event_time"');
  });

  it('header false reads a header-like first line as data', async () => {
    const path = tempFile('user_id,url,event_time,n\nu1,/a,2026-01-01 10:00:00,1\n', 'csv');
    const { rows, error } = await readAll(options(path, 'csv', { csv: { header: false } }));
    expect(rows).toEqual([]);
    expect(error!.summary).toBe(
      `data/clicks.csv:1: column "event_time": expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "event_time"`,
    );
  });

  it('unquotes RFC 4180 fields; empty unquoted is NULL, quoted empty is an empty VARCHAR', async () => {
    const path = tempFile(
      [
        '"a,b","say ""hi""",2026-01-01 10:00:00,1',
        ',"",2026-01-01 10:00:01,',
        '"",,"2026-01-01 10:00:02",""',
        'é,"日本",2026-01-01 10:00:03, 4 ',
        'x,y,2026-01-01 10:00:04,',
      ].join('\r\n'),
      'csv',
    );
    const { rows, error } = await readAll(options(path, 'csv'));
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { user_id: 'a,b', url: 'say "hi"', event_time: T0, n: 1 },
      { user_id: null, url: '', event_time: T0 + 1000, n: null },
      { user_id: '', url: null, event_time: T0 + 2000, n: null },
      { user_id: 'é', url: '日本', event_time: T0 + 3000, n: 4 },
      { user_id: 'x', url: 'y', event_time: T0 + 4000, n: null },
    ]);
  });

  it('honours a null literal and another delimiter', async () => {
    const path = tempFile('NULL;"NULL";2026-01-01 10:00:00;NULL\n', 'csv');
    const { rows } = await readAll(options(path, 'csv', { csv: { delimiter: ';', nullLiteral: 'NULL' } }));
    expect(rows).toEqual([{ user_id: null, url: 'NULL', event_time: T0, n: null }]);
    const tabs = tempFile('u\t/x\t2026-01-01 10:00:00\t5\n', 'csv');
    expect((await readAll(options(tabs, 'csv', { csv: { delimiter: '\t' } }))).rows).toEqual([
      { user_id: 'u', url: '/x', event_time: T0, n: 5 },
    ]);
  });

  it('projects columns without converting the others', async () => {
    const path = tempFile('u1,/a,2026-01-01 10:00:00,not-a-number\n', 'csv');
    const { rows, chunks } = await readAll(options(path, 'csv', { columns: ['event_time', 'user_id'] }));
    expect(rows).toEqual([{ event_time: T0, user_id: 'u1' }]);
    expect(chunks[0]!.batch.numCols).toBe(2);
  });

  it('gives the same rows for every chunk size, and resumes from any chunk end', async () => {
    const text = 'user_id,url,event_time,n\r\n' + rowsText(120).replace(/\n/g, (m, i: number) => (i % 5 === 0 ? '\r\n\n' : m));
    const path = tempFile(text, 'csv');
    const whole = await readAll(options(path, 'csv'));
    expect(whole.rows).toHaveLength(120);
    expect(whole.rows[119]).toEqual({ user_id: 'u119', url: '/p/119', event_time: T0 + 59000, n: 119 });
    for (const chunkBytes of [16, 31, 64, 1000]) {
      const cut = await readAll(options(path, 'csv', { chunkBytes, batchRows: 9 }));
      expect(cut.rows).toEqual(whole.rows);
      let before = 0;
      for (const chunk of cut.chunks) {
        before += chunk.batch.numRows;
        // The header is read again on resume, so the mapping by name still holds.
        const rest = await readAll(options(path, 'csv', { start: chunk.end, chunkBytes: 48 }));
        expect([...whole.rows.slice(0, before), ...rest.rows]).toEqual(whole.rows);
      }
    }
  });

  it.each([
    ['u,/a,2026-01-01 10:00:00', 'expected 4 fields, found 3'],
    ['u,/a,2026-01-01 10:00:00,1,extra', 'expected 4 fields, found 5'],
    ['"u,/a,2026-01-01 10:00:00,1', 'field 1: a quoted field is not closed on this line'],
    ['"u"x,/a,2026-01-01 10:00:00,1', 'field 1: unexpected text after a closing quote'],
    ['u,/a,,1', 'column "event_time": expected a value (the column must not be NULL), found NULL'],
    ['u,/a,2026-02-30 10:00:00,1', `column "event_time": expected TIMESTAMP (e.g. '2026-01-01 10:00:00'), found "2026-02-30 10:00:00"`],
    ['u,/a,2026-01-01 10:00:00,1.5', 'column "n": expected INT, found "1.5"'],
    ['u,/a,2026-01-01 10:00:00,99999999999', 'column "n": expected INT, found "99999999999" (out of range)'],
  ])('bad row %j', async (bad, reason) => {
    const text = ['u0,/a,2026-01-01 10:00:00,0', 'u1,/b,2026-01-01 10:00:01,1', bad, 'u3,/c,2026-01-01 10:00:03,3'].join('\n');
    const path = tempFile(text, 'csv');
    const failed = await readAll(options(path, 'csv'));
    expect(failed.rows.map((r) => r.user_id)).toEqual(['u0', 'u1']);
    expect(failed.chunks[0]!.end).toEqual({ offset: text.indexOf(bad), line: 3 });
    expect(failed.error!.code).toBe('bad-row');
    expect(failed.error!.summary).toBe(`data/clicks.csv:3: ${reason}`);
    const skipped = await readAll(options(path, 'csv', { onError: 'skip' }));
    expect(skipped.rows.map((r) => r.user_id)).toEqual(['u0', 'u1', 'u3']);
    expect(skipped.skipped).toBe(1);
  });

  it('refuses a delimiter that cannot work', async () => {
    const { error } = await readAll(options(tempFile('a\n', 'csv'), 'csv', { csv: { delimiter: '::' } }));
    expect(error!.code).toBe('bad-option');
  });
});
