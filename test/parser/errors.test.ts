// Parser errors: messages, hints and spans of syntax errors, lexing problems, unsupported constructs and type checks.
import { describe, expect, test } from 'vitest';
import { TidemarkError } from '../../parser/errors.ts';
import { parseExpression, parseStatements } from '../../parser/parse.ts';
import { errorOf, errorsOf, sql } from './helpers.ts';

/** The first diagnostic's code, message, hint and span, for compact expectations. */
const firstError = (text: string) => {
  const [d] = errorsOf(text);
  return { code: d!.code, message: d!.message, hint: d!.hint, span: d!.span };
};

describe('rendering', () => {
  test('the full rendered text of a syntax error', () => {
    const e = errorOf('SELECT user_id, COUNT(*)\nFORM clicks\nGROUP BY user_id', 'jobs/clicks.sql');
    expect(e).toBeInstanceOf(TidemarkError);
    expect(e.message).toBe(
      [
        'error[syntax-error]: expected ",", FROM, WHERE, GROUP BY, HAVING or the end of the statement after "FORM", found "clicks"',
        ' --> jobs/clicks.sql:2:6',
        '  |',
        '2 | FORM clicks',
        '  |      ^^^^^^ did you mean FROM instead of "FORM"?',
      ].join('\n'),
    );
    expect(e.location).toBe('jobs/clicks.sql:2:6');
  });

  test('every diagnostic of the statement is rendered', () => {
    const e = errorOf("SELECT INTERVAL '1' FORTNIGHT, a FROM t ORDER BY a");
    expect(e.message).toBe(
      [
        'error[bad-interval]: expected an interval unit, found "FORTNIGHT"',
        ' --> <sql>:1:21',
        '  |',
        "1 | SELECT INTERVAL '1' FORTNIGHT, a FROM t ORDER BY a",
        '  |                     ^^^^^^^^^ valid units are MILLISECOND, SECOND, MINUTE, HOUR and DAY (singular or plural)',
        '',
        'error[unsupported]: ORDER BY is not supported yet',
        ' --> <sql>:1:41',
        '  |',
        "1 | SELECT INTERVAL '1' FORTNIGHT, a FROM t ORDER BY a",
        '  |                                         ^^^^^^^^ a streaming result is emitted as windows close; sort it where it is consumed',
      ].join('\n'),
    );
  });
});

describe('syntax errors', () => {
  test('an expression is missing', () => {
    const q = sql`SELECT ${'FROM'} t`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: 'expected an expression after "SELECT", found "FROM"',
      hint: undefined,
      span: q.spans[0],
    });
  });

  test('an unclosed parenthesis, at the end of input', () => {
    const q = sql`SELECT count(a${''}`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: 'expected ")" to close "(" opened at 1:13, found end of input',
      hint: undefined,
      span: { ...q.spans[0]!, endColumn: q.spans[0]!.column + 1 },
    });
    expect(firstError('SELECT * FROM t WHERE a IN (1, 2').message).toBe('expected ")" to close "(" opened at 1:28, found end of input');
    expect(firstError('SELECT count(a FROM t').message).toBe('expected ")" to close "(" opened at 1:13, found "FROM"');
  });

  test('a misspelled keyword', () => {
    expect(firstError('SELCT a FROM t')).toMatchObject({
      message: 'expected SELECT, INSERT, CREATE, SET or EXPLAIN, found "SELCT"',
      hint: 'did you mean SELECT?',
    });
    expect(firstError('INSRT INTO t SELECT 1').hint).toBe('did you mean INSERT?');
    expect(firstError('CREATE TABEL t (a INT)')).toMatchObject({
      message: 'expected TABLE after "CREATE", found "TABEL"',
      hint: 'did you mean TABLE?',
    });
    expect(firstError('SELECT a FROM t GROUP BY a HAVIN count(*) > 1').hint).toBe('did you mean HAVING?');
  });

  test('a misspelled keyword read as an alias', () => {
    expect(firstError('SELECT a FROM t WHRE a > 1')).toMatchObject({
      message: 'expected WHERE, GROUP BY, HAVING or the end of the statement after "WHRE", found "a"',
      hint: 'did you mean WHERE instead of "WHRE"?',
    });
    expect(firstError('SELECT a FROM t GROUPBY a').hint).toBe('did you mean GROUP BY instead of "GROUPBY"?');
  });

  test('a missing comma between select items', () => {
    const q = sql`SELECT a b ${'c'} FROM t`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: 'expected ",", FROM, WHERE, GROUP BY, HAVING or the end of the statement after "b", found "c"',
      hint: 'is a "," missing before "c"?',
      span: q.spans[0],
    });
    expect(firstError('SELECT user_id COUNT(*) FROM t').hint).toBe('is a "," missing before "COUNT"?');
    expect(firstError('SELECT a FROM t\n  GROUP BY a b')).toMatchObject({
      hint: 'is a "," missing before "b"?',
      span: { line: 2, column: 14, endLine: 2, endColumn: 15 },
    });
    expect(firstError('CREATE TABLE t (a INT b INT)').hint).toBe('is a "," missing before "b"?');
  });

  test('an extra comma', () => {
    expect(firstError('SELECT a, FROM t')).toMatchObject({
      message: 'expected an expression after ",", found "FROM"',
      hint: 'is there an extra "," before "FROM"?',
    });
    expect(firstError('CREATE TABLE t (a INT,)').hint).toBe('is there an extra "," before ")"?');
  });

  test('a missing ";" between statements', () => {
    expect(firstError('SELECT a FROM t\nSELECT b FROM u')).toMatchObject({
      message: 'expected an alias, WHERE, GROUP BY, HAVING or the end of the statement after "t", found "SELECT"',
      hint: 'is a ";" missing before "SELECT"?',
      span: { line: 2, column: 1, endLine: 2, endColumn: 7 },
    });
  });

  test('strings and names in the wrong quotes', () => {
    const q = sql`CREATE TABLE t (a INT) WITH (${'"connector"'} = 'file')`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: 'expected a string after "(", found the quoted name "connector"',
      hint: "string literals use single quotes: 'connector'",
      span: q.spans[0],
    });
    expect(firstError(`CREATE TABLE t (a INT) WITH (connector = 'file')`).hint).toBe(
      "option keys and values are strings in single quotes, like 'connector' = 'file'",
    );
    expect(firstError('SELECT INTERVAL 5 MINUTE FROM t').hint).toBe("the value is a string: INTERVAL '5' MINUTE");
  });

  test('a reserved word used as a name', () => {
    expect(firstError('SELECT order FROM t')).toMatchObject({
      message: 'expected an expression after "SELECT", found "order"',
      hint: 'ORDER is a reserved word: write `order` to use it as a name',
    });
  });

  test('hints for constructs written the wrong way', () => {
    expect(firstError('SELECT a FROM t WHERE a == 1').hint).toBe('SQL compares with a single "="');
    expect(firstError('SELECT CAST(a INT) FROM t')).toMatchObject({
      message: 'expected AS after "a", found "INT"',
      hint: 'write CAST(value AS INT)',
    });
    expect(firstError('CREATE TABLE t (ts TIMESTAMP(3), WATERMARK ts AS ts)').hint).toBe('write WATERMARK FOR ts AS ...');
    expect(firstError('SELECT a FROM t)')).toMatchObject({ hint: 'this ")" has no "(" to close' });
  });

  test('what a construct needs next', () => {
    expect(firstError('SELECT a FROM t WHERE a BETWEEN 1').message).toBe('expected AND after "1", found end of input');
    expect(firstError('SELECT CASE WHEN a THEN 1 FROM t').message).toBe('expected WHEN, ELSE or END after "1", found "FROM"');
    expect(firstError('SELECT a FROM t WHERE a IS 1').message).toBe('expected NOT or NULL after "IS", found "1"');
    expect(firstError('SELECT a FROM').message).toBe('expected a table name, TABLE(...) or "(" after "FROM", found end of input');
    expect(firstError('SELECT a FROM t GROUP a').message).toBe('expected BY after "GROUP", found "a"');
    expect(firstError('INSERT INTO t').message).toBe('expected SELECT after "t", found end of input');
    expect(firstError('EXPLAIN CREATE TABLE t (a INT)').message).toBe('expected SELECT or INSERT after "EXPLAIN", found "CREATE"');
    expect(firstError('CREATE TABLE t ()').message).toBe('expected a column name or WATERMARK after "(", found ")"');
    expect(firstError('SET a =').message).toBe('expected a string, a number or a name after "=", found end of input');
    expect(firstError('SELECT a FROM t WHERE a 5').message).toBe(
      'expected an operator, GROUP BY, HAVING or the end of the statement after "a", found "5"',
    );
    expect(firstError('DROP TABLE t').message).toBe('expected SELECT, INSERT, CREATE, SET or EXPLAIN, found "DROP"');
  });

  test('"found" names a ";" that ends the statement too early', () => {
    const q = sql`SELECT a FROM${';'}`;
    expect(firstError(q.text)).toMatchObject({
      message: 'expected a table name, TABLE(...) or "(" after "FROM", found ";"',
      span: q.spans[0],
    });
  });

  test('errors in a later statement point into the whole text', () => {
    const e = errorOf('SELECT 1;\n\nSELECT a FROM t WHERE;\nSELECT 3', 'f.sql');
    expect(e.span).toEqual({ line: 3, column: 22, endLine: 3, endColumn: 23 });
    expect(e.location).toBe('f.sql:3:22');
  });

  test('every independent error of the statement is reported', () => {
    const errors = errorsOf('SELECT a,, b FROM t WHERE = 3');
    expect(errors.map((d) => [d.message, d.span!.column])).toEqual([
      ['expected an expression after ",", found ","', 10],
      ['expected an expression after "WHERE", found "="', 27],
    ]);
  });

  test('recovery echoes are not reported', () => {
    expect(errorsOf('CREATE VIEW v AS SELECT 1').map((d) => d.message)).toEqual(['expected TABLE after "CREATE", found "VIEW"']);
    expect(errorsOf('SELECT * FROM TABLE TUMBLE(TABLE clicks)').length).toBe(1);
  });

  test("chevrotain's own wording never reaches the user", () => {
    const broken = [
      'SELECT', 'SELECT a,', 'SELECT a FROM t WHERE', 'SELECT (', 'SELECT a FROM t GROUP BY', 'CREATE TABLE',
      'CREATE TABLE t', 'CREATE TABLE t (', 'CREATE TABLE t (a', 'CREATE TABLE t (a INT) WITH (', "CREATE TABLE t (a INT) WITH ('a'",
      'INSERT', 'INSERT INTO', 'SET', "SET 'a'", 'EXPLAIN', 'SELECT CASE', 'SELECT CAST(', 'SELECT * FROM TABLE(',
      'SELECT * FROM TABLE(TUMBLE(TABLE', 'SELECT * FROM TABLE(TUMBLE(DESCRIPTOR(', 'SELECT a IN', 'SELECT a BETWEEN 1 AND',
      'SELECT a FROM t x y z', '(', ')', ',', 'SELECT 1 +* 2', "SELECT INTERVAL '1' HOUR TO", 'SELECT a FROM t WHERE NOT NOT',
      'SELECT a FROM (SELECT', 'SELECT f(DISTINCT', 'SELECT a AS', 'CREATE TABLE t (a DECIMAL(', 'SELECT t.',
    ];
    for (const text of broken) {
      const e = errorOf(text);
      for (const d of e.diagnostics) {
        expect(d.code).toBe('syntax-error');
        expect(d.span).toBeDefined();
        expect(d.message).toMatch(/^(expected .*, found .*|unexpected .*)$/);
        expect(d.message).not.toMatch(/Expecting|Token sequences|Redundant input|-->|<--|EOF/);
      }
    }
  });
});

describe('lexical errors', () => {
  test('an unterminated string points at its start', () => {
    const q = sql`SELECT a FROM t WHERE a = ${"'"}x FROM u`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: `expected "'" to close the string that starts here, found end of input`,
      hint: "write '' for a quote inside a string",
      span: q.spans[0],
    });
  });

  test('unterminated quoted names and comments', () => {
    expect(firstError('SELECT "abc FROM t')).toMatchObject({
      message: `expected '"' to close the quoted name that starts here, found end of input`,
      span: { line: 1, column: 8, endLine: 1, endColumn: 9 },
    });
    expect(firstError('SELECT `abc FROM t').message).toBe('expected "`" to close the quoted name that starts here, found end of input');
    expect(firstError('SELECT a\nFROM t /* the rest')).toMatchObject({
      message: 'expected "*/" to close the comment that starts here, found end of input',
      span: { line: 2, column: 8, endLine: 2, endColumn: 10 },
    });
  });

  test('unknown characters, each at its place', () => {
    const q = sql`SELECT a ${'#'} b FROM t WHERE a ${'&'} b`;
    expect(errorsOf(q.text)).toEqual([
      { code: 'syntax-error', message: 'unexpected character "#"', span: q.spans[0] },
      { code: 'syntax-error', message: 'unexpected character "&"', span: q.spans[1], hint: 'use AND for "and"' },
    ]);
    expect(firstError('SELECT “x” FROM t').hint).toBe(`use straight quotes: 'text' for strings, "name" for names`);
  });

  test('a lexical error in the second statement fails on that statement', () => {
    expect(firstError('SELECT 1; SELECT ^').span).toEqual({ line: 1, column: 18, endLine: 1, endColumn: 19 });
  });
});

describe('unsupported constructs', () => {
  test.each([
    ['SELECT a FROM t ORDER BY a DESC', 'ORDER BY is not supported yet', 'ORDER BY'],
    ['SELECT a FROM t LIMIT 10', 'LIMIT is not supported yet', 'LIMIT'],
    ['SELECT a FROM t JOIN u ON t.id = u.id', 'JOIN is not supported yet', 'JOIN'],
    ['SELECT a FROM t LEFT OUTER JOIN u ON t.id = u.id', 'JOIN is not supported yet', 'LEFT OUTER JOIN'],
    ['SELECT a FROM t, u', 'joins are not supported yet', ','],
    ['SELECT a FROM t UNION ALL SELECT a FROM u', 'UNION is not supported yet', 'UNION'],
    ['SELECT DISTINCT a FROM t', 'SELECT DISTINCT is not supported yet', 'DISTINCT'],
    ['SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t', 'OVER windows are not supported yet', 'OVER (PARTITION BY a ORDER BY b)'],
    ['SELECT a FROM t WHERE a IN (SELECT b FROM u)', 'IN (SELECT ...) is not supported yet', 'SELECT b FROM u'],
    ['SELECT (SELECT 1) FROM t', 'subqueries in expressions are not supported yet', '(SELECT 1)'],
    ['INSERT INTO t VALUES (1, 2), (3, 4)', 'INSERT ... VALUES is not supported yet', 'VALUES'],
    ['CREATE TABLE t (a INT, PRIMARY KEY (a) NOT ENFORCED)', 'PRIMARY KEY constraints are not supported yet', 'PRIMARY KEY (a) NOT ENFORCED'],
    ['CREATE TABLE t (a DATE)', 'type DATE is not supported yet', 'DATE'],
  ])('%s', (text, message, marked) => {
    const d = firstError(text);
    expect(d.code).toBe('unsupported');
    expect(d.message).toBe(message);
    const column = text.indexOf(marked) + 1;
    expect(d.span).toEqual({ line: 1, column, endLine: 1, endColumn: column + marked.length });
  });

  test('all of them are reported together', () => {
    expect(errorsOf('SELECT DISTINCT a FROM t JOIN u ON a = b ORDER BY a LIMIT 1').map((d) => d.message)).toEqual([
      'SELECT DISTINCT is not supported yet',
      'JOIN is not supported yet',
      'ORDER BY is not supported yet',
      'LIMIT is not supported yet',
    ]);
  });
});

describe('semantic checks in the parser', () => {
  test('types', () => {
    const q = sql`CREATE TABLE t (a ${'VARCHR'}, b ${'DECIMAL(50, 2)'}, c ${'INT(3)'}, d ${'TIMESTAMP(3) WITH TIME ZONE'})`;
    expect(errorsOf(q.text)).toEqual([
      { code: 'unknown-type', message: 'unknown type "VARCHR"', span: q.spans[0], hint: 'did you mean VARCHAR?' },
      {
        code: 'bad-type',
        message: 'expected DECIMAL(p, s) with 1 <= p <= 38 and 0 <= s <= p, found DECIMAL(50, 2)',
        span: q.spans[1],
      },
      { code: 'bad-type', message: 'expected no parameters for type INT, found 1', span: q.spans[2] },
      {
        code: 'bad-type',
        message: 'expected WITH LOCAL TIME ZONE or WITHOUT TIME ZONE after TIMESTAMP, found WITH TIME ZONE',
        span: q.spans[3],
      },
    ]);
  });

  test('one watermark, and each option once', () => {
    expect(firstError('CREATE TABLE t (a TIMESTAMP, WATERMARK FOR a AS a, WATERMARK FOR a AS a)')).toMatchObject({
      code: 'duplicate-watermark',
      message: 'expected one WATERMARK per table, found a second',
      span: { column: 52 },
    });
    expect(firstError(`CREATE TABLE t (a INT) WITH ('k' = 'a', 'k' = 'b')`)).toMatchObject({
      code: 'duplicate-option',
      message: "expected each option once, found 'k' again",
      span: { column: 41, endColumn: 44 },
    });
  });

  test('the short window form takes plain arguments only', () => {
    const q = sql`SELECT * FROM TUMBLE(${'TABLE t'}, ts, INTERVAL '1' MINUTE)`;
    expect(firstError(q.text)).toEqual({
      code: 'syntax-error',
      message: 'TABLE arguments need the table function form, found TUMBLE(...) directly in FROM',
      hint: 'write FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), ...)), or TUMBLE(t, ts, ...) without TABLE and DESCRIPTOR',
      span: q.spans[0],
    });
  });

  test('parseExpression reports like the statement parser', () => {
    expect(() => parseExpression('a +')).toThrow('expected an expression after "+", found end of input');
    expect(() => parseExpression("INTERVAL '3' WEEKS")).toThrow('expected an interval unit, found "WEEKS"');
    expect(() => parseStatements('SELECT 1', 'x.sql')).not.toThrow();
  });
});
