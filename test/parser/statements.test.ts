// Statements: SELECT and its FROM forms, CREATE TABLE, INSERT, SET, EXPLAIN, and splitting a text into statements.
import { describe, expect, test } from 'vitest';
import type { CreateTableStmt, SelectStmt, Statement } from '../../parser/ast.ts';
import { parseStatement, parseStatements } from '../../parser/parse.ts';
import { noSpans, sql } from './helpers.ts';

const statementOf = (text: string): Statement => noSpans(parseStatement(text).statement);
const selectOf = (text: string): SelectStmt => {
  const s = statementOf(text);
  if (s.kind !== 'select') throw new Error(`expected a select, got ${s.kind}`);
  return s;
};
const name = (n: string, quoted = false) => ({ name: n, quoted });
const col = (n: string) => ({ kind: 'column', name: name(n) });

describe('SELECT', () => {
  test('items, aliases, WHERE, GROUP BY, HAVING', () => {
    expect(
      selectOf('SELECT a, b AS bee, c cee, t.*, * FROM t WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 2'),
    ).toEqual({
      kind: 'select',
      items: [
        { expr: col('a') },
        { expr: col('b'), alias: name('bee') },
        { expr: col('c'), alias: name('cee') },
        { expr: { kind: 'star', table: name('t') } },
        { expr: { kind: 'star' } },
      ],
      from: { kind: 'table-ref', name: name('t') },
      where: { kind: 'binary', op: '>', left: col('a'), right: { kind: 'number', text: '1' } },
      groupBy: [col('a'), col('b')],
      having: {
        kind: 'binary',
        op: '>',
        left: { kind: 'call', name: name('COUNT'), args: [], star: true, distinct: false },
        right: { kind: 'number', text: '2' },
      },
    });
  });

  test('without FROM', () => {
    expect(selectOf('SELECT 1 + 1 AS two')).toEqual({
      kind: 'select',
      items: [{ expr: { kind: 'binary', op: '+', left: { kind: 'number', text: '1' }, right: { kind: 'number', text: '1' } }, alias: name('two') }],
      groupBy: [],
    });
  });

  test('table aliases, with and without AS', () => {
    expect(selectOf('SELECT c.a FROM clicks AS c').from).toEqual({ kind: 'table-ref', name: name('clicks'), alias: name('c') });
    expect(selectOf('SELECT c.a FROM clicks c').from).toEqual({ kind: 'table-ref', name: name('clicks'), alias: name('c') });
    expect(selectOf('SELECT a FROM "My Table"').from).toEqual({ kind: 'table-ref', name: name('My Table', true) });
  });

  test('a subquery in FROM', () => {
    expect(selectOf('SELECT x FROM (SELECT a AS x FROM t) AS sub').from).toEqual({
      kind: 'subquery',
      query: { kind: 'select', items: [{ expr: col('a'), alias: name('x') }], from: { kind: 'table-ref', name: name('t') }, groupBy: [] },
      alias: name('sub'),
    });
  });
});

describe('windows: the three spellings of SPEC section 1', () => {
  test('window table-valued function', () => {
    const s = selectOf(`SELECT window_start, window_end, user_id, COUNT(*) AS clicks
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(event_time), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, user_id`);
    expect(s.from).toEqual({
      kind: 'tvf',
      name: name('TUMBLE'),
      args: [
        { kind: 'table-arg', table: name('clicks'), partitionBy: [] },
        { kind: 'descriptor-arg', columns: [name('event_time')] },
        { kind: 'expr-arg', expr: { kind: 'interval', ms: 600_000, text: "INTERVAL '10' MINUTES" } },
      ],
    });
    expect(s.groupBy).toEqual([col('window_start'), col('window_end'), col('user_id')]);
  });

  test('short form', () => {
    const s = selectOf(`SELECT window_start, window_end, user_id, COUNT(*) FROM TUMBLE(clicks, event_time, INTERVAL '10 minutes')
GROUP BY window_start, window_end, user_id`);
    expect(s.from).toEqual({
      kind: 'function-ref',
      name: name('TUMBLE'),
      args: [col('clicks'), col('event_time'), { kind: 'interval', ms: 600_000, text: "INTERVAL '10 minutes'" }],
    });
  });

  test('group window', () => {
    const s = selectOf(`SELECT TUMBLE_START(event_time, INTERVAL '10' MINUTE) AS window_start, user_id, COUNT(*)
FROM clicks GROUP BY TUMBLE(event_time, INTERVAL '10' MINUTE), user_id`);
    const tumble = { kind: 'interval', ms: 600_000, text: "INTERVAL '10' MINUTE" };
    expect(s.items[0]).toEqual({
      expr: { kind: 'call', name: name('TUMBLE_START'), args: [col('event_time'), tumble], star: false, distinct: false },
      alias: name('window_start'),
    });
    expect(s.groupBy[0]).toEqual({ kind: 'call', name: name('TUMBLE'), args: [col('event_time'), tumble], star: false, distinct: false });
  });

  test('named arguments, an alias and HOP', () => {
    const s = selectOf(`SELECT * FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts),
      SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '5' MINUTES)) w`);
    expect(s.from).toEqual({
      kind: 'tvf',
      name: name('HOP'),
      args: [
        { kind: 'table-arg', table: name('bids'), partitionBy: [], name: name('DATA') },
        { kind: 'descriptor-arg', columns: [name('ts')], name: name('TIMECOL') },
        { kind: 'expr-arg', expr: { kind: 'interval', ms: 60_000, text: "INTERVAL '1' MINUTE" }, name: name('SLIDE') },
        { kind: 'expr-arg', expr: { kind: 'interval', ms: 300_000, text: "INTERVAL '5' MINUTES" }, name: name('SIZE') },
      ],
      alias: name('w'),
    });
  });

  test('SESSION with PARTITION BY', () => {
    const one = selectOf(`SELECT * FROM TABLE(SESSION(TABLE clicks PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '5' MINUTES))`);
    const two = selectOf(`SELECT * FROM TABLE(SESSION(TABLE clicks PARTITION BY (user_id, url), DESCRIPTOR(ts), INTERVAL '5' MINUTES))`);
    const firstArg = (s: SelectStmt) => (s.from?.kind === 'tvf' ? s.from.args[0] : undefined);
    expect(firstArg(one)).toEqual({ kind: 'table-arg', table: name('clicks'), partitionBy: [name('user_id')] });
    expect(firstArg(two)).toEqual({ kind: 'table-arg', table: name('clicks'), partitionBy: [name('user_id'), name('url')] });
  });

  test('CUMULATE with an offset', () => {
    const s = selectOf(`SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '1' DAY, INTERVAL '8' HOURS))`);
    expect(s.from?.kind === 'tvf' && s.from.args.length).toBe(5);
  });
});

describe('CREATE TABLE', () => {
  const createOf = (text: string): CreateTableStmt => {
    const s = statementOf(text);
    if (s.kind !== 'create-table') throw new Error(s.kind);
    return s;
  };

  test('the SPEC example', () => {
    expect(
      createOf(`CREATE TABLE clicks (
  user_id    VARCHAR,
  url        VARCHAR,
  event_time TIMESTAMP(3),
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/clicks.jsonl', 'format' = 'json')`),
    ).toEqual({
      kind: 'create-table',
      name: name('clicks'),
      ifNotExists: false,
      columns: [
        { kind: 'physical-column', name: name('user_id'), type: { kind: 'type-name', name: 'VARCHAR' }, notNull: false },
        { kind: 'physical-column', name: name('url'), type: { kind: 'type-name', name: 'VARCHAR' }, notNull: false },
        { kind: 'physical-column', name: name('event_time'), type: { kind: 'type-name', name: 'TIMESTAMP', precision: 3 }, notNull: false },
      ],
      watermark: {
        column: name('event_time'),
        expr: {
          kind: 'binary',
          op: '-',
          left: col('event_time'),
          right: { kind: 'interval', ms: 5000, text: "INTERVAL '5' SECOND" },
        },
      },
      options: [
        { key: 'connector', value: 'file' },
        { key: 'path', value: 'data/clicks.jsonl' },
        { key: 'format', value: 'json' },
      ],
    });
  });

  test('IF NOT EXISTS, NOT NULL, computed columns, no WITH', () => {
    const t = createOf('create table if not exists t (id BIGINT NOT NULL, n INT NULL, pt AS PROCTIME(), total AS price * qty)');
    expect(t.ifNotExists).toBe(true);
    expect(t.options).toEqual([]);
    expect(t.watermark).toBeUndefined();
    expect(t.columns).toEqual([
      { kind: 'physical-column', name: name('id'), type: { kind: 'type-name', name: 'BIGINT' }, notNull: true },
      { kind: 'physical-column', name: name('n'), type: { kind: 'type-name', name: 'INT' }, notNull: false },
      { kind: 'computed-column', name: name('pt'), expr: { kind: 'call', name: name('PROCTIME'), args: [], star: false, distinct: false } },
      { kind: 'computed-column', name: name('total'), expr: { kind: 'binary', op: '*', left: col('price'), right: col('qty') } },
    ]);
  });

  test.each([
    ['BOOLEAN', { name: 'BOOLEAN' }],
    ['INT', { name: 'INT' }],
    ['INTEGER', { name: 'INT' }],
    ['SMALLINT', { name: 'INT' }],
    ['BIGINT', { name: 'BIGINT' }],
    ['DOUBLE', { name: 'DOUBLE' }],
    ['DOUBLE PRECISION', { name: 'DOUBLE' }],
    ['FLOAT', { name: 'DOUBLE' }],
    ['DECIMAL', { name: 'DECIMAL', precision: 10, scale: 0 }],
    ['DECIMAL(12)', { name: 'DECIMAL', precision: 12, scale: 0 }],
    ['DECIMAL(12, 4)', { name: 'DECIMAL', precision: 12, scale: 4 }],
    ['NUMERIC(5,2)', { name: 'DECIMAL', precision: 5, scale: 2 }],
    ['VARCHAR', { name: 'VARCHAR' }],
    ['VARCHAR(255)', { name: 'VARCHAR' }],
    ['STRING', { name: 'VARCHAR' }],
    ['CHAR(3)', { name: 'VARCHAR' }],
    ['TIMESTAMP', { name: 'TIMESTAMP', precision: 3 }],
    ['TIMESTAMP(3)', { name: 'TIMESTAMP', precision: 3 }],
    ['TIMESTAMP(6)', { name: 'TIMESTAMP', precision: 6 }],
    ['TIMESTAMP(0) WITHOUT TIME ZONE', { name: 'TIMESTAMP', precision: 0 }],
    ['TIMESTAMP_LTZ(3)', { name: 'TIMESTAMP', precision: 3 }],
    ['TIMESTAMP(3) WITH LOCAL TIME ZONE', { name: 'TIMESTAMP', precision: 3 }],
    ['bigint', { name: 'BIGINT' }],
  ])('type %s', (type, expected) => {
    const t = createOf(`CREATE TABLE t (x ${type})`);
    expect(t.columns[0]).toEqual({ kind: 'physical-column', name: name('x'), type: { kind: 'type-name', ...expected }, notNull: false });
  });

  test('column names that are words elsewhere', () => {
    const t = createOf('CREATE TABLE t (date VARCHAR, time TIMESTAMP(3), year INT, value DOUBLE, count BIGINT, user STRING, watermark BIGINT, timestamp TIMESTAMP, key INT, `select` INT)');
    expect(t.columns.map((c) => c.name.name)).toEqual(['date', 'time', 'year', 'value', 'count', 'user', 'watermark', 'timestamp', 'key', 'select']);
  });

  test('option strings are unescaped', () => {
    expect(createOf(`CREATE TABLE t (a INT) WITH ('path' = 'it''s.csv')`).options).toEqual([{ key: 'path', value: "it's.csv" }]);
  });
});

describe('INSERT, SET, EXPLAIN', () => {
  test('INSERT INTO ... SELECT', () => {
    expect(statementOf('INSERT INTO sink SELECT a FROM src')).toEqual({
      kind: 'insert',
      table: name('sink'),
      query: { kind: 'select', items: [{ expr: col('a') }], from: { kind: 'table-ref', name: name('src') }, groupBy: [] },
    });
  });

  test.each([
    [`SET 'table.exec.state.ttl' = '1 h'`, 'table.exec.state.ttl', '1 h'],
    ['SET table.exec.mini-batch.enabled = true', 'table.exec.mini-batch.enabled', 'true'],
    ['SET parallelism.default = 4', 'parallelism.default', '4'],
    ['SET x.offset = -5', 'x.offset', '-5'],
    [`SET 'execution.checkpointing.interval' = 10s`, 'execution.checkpointing.interval', '10s'],
    [`SET execution.runtime-mode = streaming`, 'execution.runtime-mode', 'streaming'],
  ])('%s', (text, key, value) => {
    expect(statementOf(text)).toEqual({ kind: 'set', key, value });
  });

  test('EXPLAIN a query or an insert, with an optional PLAN FOR', () => {
    expect(statementOf('EXPLAIN SELECT a FROM t')).toEqual({
      kind: 'explain',
      statement: { kind: 'select', items: [{ expr: col('a') }], from: { kind: 'table-ref', name: name('t') }, groupBy: [] },
    });
    expect(statementOf('EXPLAIN PLAN FOR INSERT INTO s SELECT a FROM t')).toMatchObject({
      kind: 'explain',
      statement: { kind: 'insert', table: name('s') },
    });
  });
});

describe('several statements', () => {
  test('texts, spans and names', () => {
    const text = `-- clicks per user
-- name: totals
SELECT user_id, COUNT(*)
FROM clicks GROUP BY user_id;

SET 'a' = 'b'; -- name: ignored, not on its own line
-- name: second one
/* another comment */

SELECT 2`;
    const parsed = parseStatements(text, 'job.sql');
    expect(parsed.map((p) => [p.name, p.text, p.statement.kind])).toEqual([
      ['totals', 'SELECT user_id, COUNT(*)\nFROM clicks GROUP BY user_id', 'select'],
      [undefined, "SET 'a' = 'b'", 'set'],
      ['second one', 'SELECT 2', 'select'],
    ]);
    expect(parsed[0]!.span).toEqual({ line: 3, column: 1, endLine: 4, endColumn: 29 });
    expect(parsed[2]!.span).toEqual({ line: 10, column: 1, endLine: 10, endColumn: 9 });
    expect(parsed[2]!.statement.span).toEqual(parsed[2]!.span);
  });

  test('the last ";" is optional, empty statements and comment-only text are skipped', () => {
    expect(parseStatements('SELECT 1;').length).toBe(1);
    expect(parseStatements('SELECT 1; ; SELECT 2;;').length).toBe(2);
    expect(parseStatements('-- nothing here\n/* at all */')).toEqual([]);
    expect(parseStatements('')).toEqual([]);
  });

  test('";" inside strings, names and comments does not split', () => {
    const parsed = parseStatements(`SELECT 'a;b', "c;d" /* ; */ -- ;\nFROM t; SELECT 2`);
    expect(parsed.map((p) => p.statement.kind)).toEqual(['select', 'select']);
    expect(parsed[0]!.text).toBe(`SELECT 'a;b', "c;d" /* ; */ -- ;\nFROM t`);
  });

  test('spans count lines from the start of the text', () => {
    const q = sql`SELECT 1;
SELECT
  ${'x'} FROM t`;
    const stmt = parseStatements(q.text)[1]!.statement as SelectStmt;
    expect(stmt.items[0]!.expr.span).toEqual(q.spans[0]);
  });

  test('Windows line endings', () => {
    const parsed = parseStatements('-- name: q\r\nselect a\r\n  from t;\r\nSELECT 2');
    expect(parsed.map((p) => [p.name, p.text, p.span])).toEqual([
      ['q', 'select a\r\n  from t', { line: 2, column: 1, endLine: 3, endColumn: 9 }],
      [undefined, 'SELECT 2', { line: 4, column: 1, endLine: 4, endColumn: 9 }],
    ]);
  });

  test('parseStatement wants exactly one', () => {
    expect(parseStatement('SELECT 1;').statement.kind).toBe('select');
    expect(() => parseStatement('  ')).toThrow('expected a statement, found end of input');
    let error: unknown;
    try {
      parseStatement('SELECT 1;\nSELECT 2');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'syntax-error',
      summary: 'expected one statement, found another after ";"',
      span: { line: 2, column: 1, endLine: 2, endColumn: 9 },
    });
  });
});
