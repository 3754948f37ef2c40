// JSON lines and CSV text of changes, byte for byte: field order, quoting, NULLs, the query tag.
import { describe, expect, it } from 'vitest';
import { createChangeWriter, type ChangeFormat, type ChangeWriterOptions } from '../../../executor/sinks/format.ts';
import type { StreamBatch } from '../../../executor/batch.ts';
import { BIGINT, BOOLEAN, decimal, DOUBLE, INT, TIMESTAMP, VARCHAR, type Schema } from '../../../planner/types.ts';
import { batchOf } from './batches.ts';

const clicks: Schema = {
  fields: [
    { name: 'window_start', type: TIMESTAMP, nullable: false },
    { name: 'user_id', type: VARCHAR, nullable: true },
    { name: 'clicks', type: BIGINT, nullable: true },
  ],
};
const T = Date.UTC(2026, 0, 1, 10);

function text(format: ChangeFormat, schema: Schema, batches: StreamBatch[], options?: ChangeWriterOptions): string {
  let out = '';
  const writer = createChangeWriter(format, schema, (s) => (out += s), options);
  for (const b of batches) writer.write(b);
  writer.end();
  return out;
}

describe('jsonl', () => {
  it('writes op first, then columns in schema order, timestamps as SQL text', () => {
    const batch = batchOf(clicks, [[T, T], ['a', null], [2, null]], ['+I', '-D']);
    expect(text('jsonl', clicks, [batch])).toBe(
      '{"op":"+I","window_start":"2026-01-01 10:00:00.000","user_id":"a","clicks":2}\n' +
        '{"op":"-D","window_start":"2026-01-01 10:00:00.000","user_id":null,"clicks":null}\n',
    );
  });

  it('puts the query name right after op, and leaves op out for plain rows', () => {
    const batch = batchOf(clicks, [[T], ['a'], [2]]);
    expect(text('jsonl', clicks, [batch], { query: 'q1' })).toBe(
      '{"op":"+I","query":"q1","window_start":"2026-01-01 10:00:00.000","user_id":"a","clicks":2}\n',
    );
    expect(text('jsonl', clicks, [batch], { op: false })).toBe(
      '{"window_start":"2026-01-01 10:00:00.000","user_id":"a","clicks":2}\n',
    );
  });

  it('writes big BIGINTs as strings, decimals with their scale, non-finite doubles as strings', () => {
    const schema: Schema = {
      fields: [
        { name: 'l', type: BIGINT, nullable: false },
        { name: 'm', type: decimal(10, 2), nullable: false },
        { name: 'd', type: DOUBLE, nullable: false },
        { name: 'b', type: BOOLEAN, nullable: false },
        { name: 'i', type: INT, nullable: false },
      ],
    };
    const batch = batchOf(schema, [
      [2n ** 53n + 1n, -(2n ** 63n), 5n, 0n],
      [1250n, -5n, 0n, 100n],
      [NaN, Infinity, -Infinity, 0.1],
      [true, false, true, false],
      [1, -2, 0, 2147483647],
    ]);
    expect(text('jsonl', schema, [batch], { op: false }).split('\n')).toEqual([
      '{"l":"9007199254740993","m":12.50,"d":"NaN","b":true,"i":1}',
      '{"l":"-9223372036854775808","m":-0.05,"d":"Infinity","b":false,"i":-2}',
      '{"l":5,"m":0.00,"d":"-Infinity","b":true,"i":0}',
      '{"l":0,"m":1.00,"d":0.1,"b":false,"i":2147483647}',
      '',
    ]);
    // Every line is valid JSON.
    for (const line of text('jsonl', schema, [batch]).trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('escapes strings and column names as JSON', () => {
    const schema: Schema = { fields: [{ name: 'a "b"', type: VARCHAR, nullable: false }] };
    const batch = batchOf(schema, [['line\nbreak "q" \\ é 😀']]);
    const line = text('jsonl', schema, [batch]);
    expect(line).toBe('{"op":"+I","a \\"b\\"":"line\\nbreak \\"q\\" \\\\ é 😀"}\n');
    expect(JSON.parse(line)).toEqual({ op: '+I', 'a "b"': 'line\nbreak "q" \\ é 😀' });
  });

  it('formats timestamps across days, before 1970 and in a sliced batch', () => {
    const schema: Schema = { fields: [{ name: 't', type: TIMESTAMP, nullable: true }, { name: 'b', type: BOOLEAN, nullable: true }] };
    const D = Date.UTC(2026, 0, 1);
    const ms = [0, D + 86_399_999, D + 86_400_000, -1, -86_400_001, -62135596800000, null];
    const batch = batchOf(schema, [ms, [true, false, true, false, true, false, null]]);
    expect(text('jsonl', schema, [batch], { op: false }).split('\n')).toEqual([
      '{"t":"1970-01-01 00:00:00.000","b":true}',
      '{"t":"2026-01-01 23:59:59.999","b":false}',
      '{"t":"2026-01-02 00:00:00.000","b":true}',
      '{"t":"1969-12-31 23:59:59.999","b":false}',
      '{"t":"1969-12-30 23:59:59.999","b":true}',
      '{"t":"0001-01-01 00:00:00.000","b":false}',
      '{"t":null,"b":null}',
      '',
    ]);
    const sliced = { data: batch.data.slice(3, 5) };
    expect(text('csv', schema, [sliced], { op: false, header: false })).toBe('1969-12-31 23:59:59.999,false\n1969-12-30 23:59:59.999,true\n');
  });

  it('writes nothing for an empty batch', () => {
    expect(text('jsonl', clicks, [batchOf(clicks, [[], [], []])])).toBe('');
  });
});

describe('csv', () => {
  const schema: Schema = {
    fields: [
      { name: 'ts', type: TIMESTAMP, nullable: true },
      { name: 's', type: VARCHAR, nullable: true },
      { name: 'm', type: decimal(6, 3), nullable: true },
    ],
  };

  it('has a header with an op column, quotes only when needed, NULL empty and an empty string as ""', () => {
    const batch = batchOf(
      schema,
      [
        [T, null, -1],
        ['plain', 'a,b', 'say "hi"'],
        [1500n, null, -1n],
      ],
      ['+I', '-U', '+U'],
    );
    const more = batchOf(schema, [[T], ['two\nlines'], [null]]);
    const empty = batchOf(schema, [[T], [''], [0n]]);
    expect(text('csv', schema, [batch, more, empty])).toBe(
      'op,ts,s,m\n' +
        '+I,2026-01-01 10:00:00.000,plain,1.500\n' +
        '-U,,"a,b",\n' +
        '+U,1969-12-31 23:59:59.999,"say ""hi""",-0.001\n' +
        '+I,2026-01-01 10:00:00.000,"two\nlines",\n' +
        '+I,2026-01-01 10:00:00.000,"",0.000\n',
    );
  });

  it('adds a query column after op, and can leave out the op and the header', () => {
    const batch = batchOf(schema, [[T], ['x'], [1n]]);
    expect(text('csv', schema, [batch], { query: 'q2' })).toBe('op,query,ts,s,m\n+I,q2,2026-01-01 10:00:00.000,x,0.001\n');
    expect(text('csv', schema, [batch], { op: false, header: false })).toBe('2026-01-01 10:00:00.000,x,0.001\n');
  });

  it('writes the header once, even when no row comes', () => {
    const batch = batchOf(schema, [[T], ['x'], [1n]]);
    expect(text('csv', schema, [batch, batch])).toBe(
      'op,ts,s,m\n+I,2026-01-01 10:00:00.000,x,0.001\n+I,2026-01-01 10:00:00.000,x,0.001\n',
    );
    expect(text('csv', schema, [])).toBe('op,ts,s,m\n');
  });

  it('quotes header names that need it', () => {
    const odd: Schema = { fields: [{ name: 'a,b', type: INT, nullable: false }] };
    expect(text('csv', odd, [batchOf(odd, [[1]])], { op: false })).toBe('"a,b"\n1\n');
  });
});
