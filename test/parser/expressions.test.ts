// Expressions: precedence, every primary form, and spans.
import { describe, expect, test } from 'vitest';
import type { Expr } from '../../parser/ast.ts';
import { assertNever } from '../../parser/errors.ts';
import { parseExpression, parseStatement } from '../../parser/parse.ts';
import { noSpans, sql } from './helpers.ts';

/** Prints an expression fully parenthesized, so precedence shows. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return (e.table ? e.table.name + '.' : '') + (e.name.quoted ? `"${e.name.name}"` : e.name.name);
    case 'star':
      return (e.table ? e.table.name + '.' : '') + '*';
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return String(e.value).toUpperCase();
    case 'null':
      return 'NULL';
    case 'interval':
      return `${e.ms}ms`;
    case 'timestamp':
      return `TIMESTAMP '${e.text}'`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'unary':
      return e.op === 'NOT' ? `(NOT ${show(e.operand)})` : `(${e.op}${show(e.operand)})`;
    case 'call':
      return `${e.name.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(show).join(', ')})`;
    case 'cast':
      return `CAST(${show(e.operand)} AS ${e.type.name})`;
    case 'is-null':
      return `(${show(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${show(e.low)} AND ${show(e.high)})`;
    case 'in-list':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}IN [${e.list.map(show).join(', ')}])`;
    case 'like':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${show(e.pattern)})`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${show(w.when)} THEN ${show(w.then)}`).join('');
      return `CASE${e.operand ? ' ' + show(e.operand) : ''}${whens}${e.else ? ' ELSE ' + show(e.else) : ''} END`;
    }
    default:
      return assertNever(e);
  }
}

const parsed = (text: string) => show(parseExpression(text));

describe('precedence', () => {
  test.each([
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c', '((a AND b) OR c)'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a = b || c', '(a = (b || c))'],
    ['a || b + c', '(a || (b + c))'],
    ['a + b * c', '(a + (b * c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c * d', '(((a / b) % c) * d)'],
    ['-a * b', '((-a) * b)'],
    ['- -a', '(-(-a))'],
    ['+a', '(+a)'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a < b AND c >= d', '((a < b) AND (c >= d))'],
    ['a != b', '(a <> b)'],
    ['a <> b', '(a <> b)'],
    ['a <= b', '(a <= b)'],
    ['a > b + 1', '(a > (b + 1))'],
    ['a BETWEEN 1 AND 2 AND c', '((a BETWEEN 1 AND 2) AND c)'],
    ['a NOT BETWEEN b - 1 AND b + 1', '(a NOT BETWEEN (b - 1) AND (b + 1))'],
    ['a IS NULL OR b IS NOT NULL', '((a IS NULL) OR (b IS NOT NULL))'],
    ['a IN (1, 2, 3)', '(a IN [1, 2, 3])'],
    ['a NOT IN (b)', '(a NOT IN [b])'],
    ["a LIKE 'x%' AND b NOT LIKE '%y'", "((a LIKE 'x%') AND (b NOT LIKE '%y'))"],
    ['a = 1 = TRUE', '((a = 1) = TRUE)'],
    ["x || '-' || y", "((x || '-') || y)"],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  test('keywords are read in any case and stored in upper case', () => {
    expect(parsed('a or not b and c is not null')).toBe('(a OR ((NOT b) AND (c IS NOT NULL)))');
  });
});

describe('primaries', () => {
  test('literals', () => {
    expect(noSpans(parseExpression('1.5e3'))).toEqual({ kind: 'number', text: '1.5e3' });
    expect(noSpans(parseExpression(`'it''s'`))).toEqual({ kind: 'string', value: "it's" });
    expect(noSpans(parseExpression('TRUE'))).toEqual({ kind: 'boolean', value: true });
    expect(noSpans(parseExpression('false'))).toEqual({ kind: 'boolean', value: false });
    expect(noSpans(parseExpression('NULL'))).toEqual({ kind: 'null' });
    expect(noSpans(parseExpression(`TIMESTAMP '2026-01-01 10:00:00'`))).toEqual({
      kind: 'timestamp',
      text: '2026-01-01 10:00:00',
    });
    expect(noSpans(parseExpression(`INTERVAL '10' MINUTE`))).toEqual({
      kind: 'interval',
      ms: 600_000,
      text: `INTERVAL '10' MINUTE`,
    });
  });

  test('column references keep their case; quoted ones are marked', () => {
    expect(noSpans(parseExpression('t.UserId'))).toEqual({
      kind: 'column',
      table: { name: 't', quoted: false },
      name: { name: 'UserId', quoted: false },
    });
    expect(noSpans(parseExpression('"Order ""Id"""'))).toEqual({ kind: 'column', name: { name: 'Order "Id"', quoted: true } });
    expect(noSpans(parseExpression('`select`'))).toEqual({ kind: 'column', name: { name: 'select', quoted: true } });
  });

  test('calls', () => {
    expect(parsed('COUNT(*)')).toBe('COUNT(*)');
    expect(parsed('count(DISTINCT user_id)')).toBe('count(DISTINCT user_id)');
    expect(parsed('sum(ALL x)')).toBe('sum(x)');
    expect(parsed('PROCTIME()')).toBe('PROCTIME()');
    expect(parsed('coalesce(a, b + 1, 0)')).toBe('coalesce(a, (b + 1), 0)');
    expect(noSpans(parseExpression('count(*)'))).toEqual({
      kind: 'call',
      name: { name: 'count', quoted: false },
      args: [],
      star: true,
      distinct: false,
    });
  });

  test('function names are never reserved', () => {
    expect(parsed(`TUMBLE_START(ts, INTERVAL '1' MINUTE)`)).toBe('TUMBLE_START(ts, 60000ms)');
    expect(parsed('LEFT(s, 2) || RIGHT(s, 1)')).toBe('(LEFT(s, 2) || RIGHT(s, 1))');
    expect(parsed('IF(a > 1, YEAR(ts), MIN(x))')).toBe('IF((a > 1), YEAR(ts), MIN(x))');
    expect(parsed('HOP(a) + SESSION(b) + CUMULATE(c) + TIMESTAMP(d)')).toBe('(((HOP(a) + SESSION(b)) + CUMULATE(c)) + TIMESTAMP(d))');
  });

  test('common column names need no quotes', () => {
    expect(parsed('date + time + year + value + count + user + timestamp + watermark + key + left'))
      .toBe('(((((((((date + time) + year) + value) + count) + user) + timestamp) + watermark) + key) + left)');
  });

  test('CAST', () => {
    expect(noSpans(parseExpression('CAST(x AS DECIMAL(10, 2))'))).toEqual({
      kind: 'cast',
      operand: { kind: 'column', name: { name: 'x', quoted: false } },
      type: { kind: 'type-name', name: 'DECIMAL', precision: 10, scale: 2 },
    });
    expect(parsed('CAST(a AS bigint) + CAST(b AS VARCHAR(5))')).toBe('(CAST(a AS BIGINT) + CAST(b AS VARCHAR))');
    expect(parsed('CAST(ts AS TIMESTAMP(3))')).toBe('CAST(ts AS TIMESTAMP)');
  });

  test('CASE, searched and simple', () => {
    expect(parsed("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END")).toBe(
      "CASE WHEN (a > 1) THEN 'big' WHEN (a > 0) THEN 'small' ELSE 'none' END",
    );
    expect(parsed('case x when 1 then a end')).toBe('CASE x WHEN 1 THEN a END');
  });
});

describe('spans', () => {
  test('a column on the third line', () => {
    const q = sql`SELECT
  a,
  ${'price'} * 2 AS doubled
FROM bids`;
    const stmt = parseStatement(q.text).statement;
    if (stmt.kind !== 'select') throw new Error(stmt.kind);
    const e = stmt.items[1]!.expr;
    if (e.kind !== 'binary') throw new Error(e.kind);
    expect(e.left.span).toEqual(q.spans[0]);
    expect(e.left.span).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 8 });
    expect(stmt.items[1]!.span).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 23 });
  });

  test('a binary expression spans its operands, parentheses included', () => {
    const e = parseExpression('(a + b) * c');
    expect(e.span).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 12 });
    if (e.kind !== 'binary') throw new Error(e.kind);
    expect(e.left.span).toEqual({ line: 1, column: 2, endLine: 1, endColumn: 7 });
  });

  test('names and calls', () => {
    const q = sql`${'count'}(${'x'}) + ${'t.y'}`;
    const e = parseExpression(q.text);
    if (e.kind !== 'binary' || e.left.kind !== 'call' || e.right.kind !== 'column') throw new Error('shape');
    expect(e.left.name.span).toEqual(q.spans[0]);
    expect(e.left.args[0]!.span).toEqual(q.spans[1]);
    expect(e.right.span).toEqual(q.spans[2]);
    expect(e.right.table!.span).toEqual({ ...q.spans[2]!, endColumn: q.spans[2]!.column + 1 });
  });

  test('a literal spanning lines', () => {
    const e = parseExpression("x = 'a\nbc'");
    if (e.kind !== 'binary') throw new Error(e.kind);
    expect(e.right.span).toEqual({ line: 1, column: 5, endLine: 2, endColumn: 4 });
  });
});
