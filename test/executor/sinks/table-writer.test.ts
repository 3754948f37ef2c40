// The streaming terminal table: header once, fixed widths from the first rows, truncation, the closing count.
import { describe, expect, it } from 'vitest';
import { TableWriter } from '../../../executor/sinks/format.ts';
import { displayWidth } from '../../../executor/sinks/table-writer.ts';
import { BIGINT, decimal, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';
import { batchOf } from './batches.ts';

const clicks: Schema = {
  fields: [
    { name: 'window_start', type: TIMESTAMP, nullable: false },
    { name: 'user_id', type: VARCHAR, nullable: true },
    { name: 'clicks', type: BIGINT, nullable: true },
  ],
};
const T = Date.UTC(2026, 0, 1, 10);

describe('TableWriter', () => {
  it('draws the header with the first batch, rows as they come, and the count at the end', () => {
    const chunks: string[] = [];
    const table = new TableWriter(clicks, (s) => chunks.push(s));
    table.write(batchOf(clicks, [[T, T], ['a', 'bob'], [2, null]]));
    table.write(batchOf(clicks, [[T, T], ['a much longer user id', 'a'], [2, 123456789012]], ['-U', '+U']));
    table.end();
    expect(chunks).toHaveLength(3); // streams: one chunk per batch, the last closes the table
    expect(chunks.join('')).toBe(
      [
        '┌────┬─────────────────────────┬─────────┬────────┐',
        '│ op │      window_start       │ user_id │ clicks │',
        '│    │      timestamp(3)       │ varchar │ bigint │',
        '├────┼─────────────────────────┼─────────┼────────┤',
        '│ +I │ 2026-01-01 10:00:00.000 │ a       │      2 │',
        '│ +I │ 2026-01-01 10:00:00.000 │ bob     │   NULL │',
        '│ -U │ 2026-01-01 10:00:00.000 │ a much… │      2 │',
        '│ +U │ 2026-01-01 10:00:00.000 │ a       │ 12345… │',
        '└────┴─────────────────────────┴─────────┴────────┘',
        '4 changes',
        '',
      ].join('\n'),
    );
  });

  it('draws an empty table when no change comes, with a title for a named query', () => {
    const schema: Schema = { fields: [{ name: 'total', type: decimal(10, 2), nullable: false }] };
    let out = '';
    const table = new TableWriter(schema, (s) => (out += s), { query: 'q1' });
    table.end();
    table.end();
    expect(out).toBe(
      ['q1', '┌────┬────────────────┐', '│ op │     total      │', '│    │ decimal(10, 2) │', '├────┼────────────────┤', '└────┴────────────────┘', '0 changes', ''].join('\n'),
    );
  });

  it('keeps alignment with wide characters, control characters and a width cap', () => {
    const schema: Schema = { fields: [{ name: 's', type: VARCHAR, nullable: false }] };
    let out = '';
    const table = new TableWriter(schema, (s) => (out += s), { op: false, maxColumnWidth: 6 });
    table.write(batchOf(schema, [['日本', 'tab\there', '日本語の文字']]));
    table.end();
    expect(out).toBe(
      [
        '┌────────┐',
        '│   s    │',
        '│ varch… │',
        '├────────┤',
        '│ 日本   │',
        '│ tab\\t… │',
        '│ 日本…  │',
        '└────────┘',
        '3 changes',
        '',
      ].join('\n'),
    );
    for (const line of out.split('\n').slice(0, 8)) expect(displayWidth(line)).toBe(10);
  });
});
