// The lexer: keywords versus names, literals, operators and comments.
import { describe, expect, test } from 'vitest';
import { sqlLexer } from '../../parser/tokens.ts';

const kinds = (text: string) => sqlLexer.tokenize(text).tokens.map((t) => t.tokenType.name);
const images = (text: string) => sqlLexer.tokenize(text).tokens.map((t) => t.image);

describe('tokens', () => {
  test('keywords are case-insensitive', () => {
    expect(kinds('select SeLeCt SELECT from Where')).toEqual(['Select', 'Select', 'Select', 'From', 'Where']);
  });

  test('words that start with a keyword stay names', () => {
    const words = 'selected astronomy window_start order_id fromage intervals end_time table_name isbn ascending timestamp_ltz';
    expect(kinds(words)).toEqual(words.split(' ').map(() => 'PlainIdentifier'));
  });

  test('keyword prefixes of other keywords lex as the longer keyword', () => {
    expect(kinds('AS ASC IN INTO INSERT INTERVAL INTERSECT OR ORDER')).toEqual([
      'As', 'Asc', 'In', 'Into', 'Insert', 'Interval', 'Intersect', 'Or', 'Order',
    ]);
  });

  test('quoted names and strings keep their quotes in the image', () => {
    expect(kinds(`"a b" \`c\` 'it''s' "say ""hi"""`)).toEqual([
      'QuotedIdentifier', 'BacktickIdentifier', 'StringLiteral', 'QuotedIdentifier',
    ]);
    expect(images(`'it''s'`)).toEqual([`'it''s'`]);
  });

  test('numbers: integers, decimals and exponents', () => {
    expect(images('1 1.5 .5 1e3 2.5E-3 10.')).toEqual(['1', '1.5', '.5', '1e3', '2.5E-3', '10.']);
    expect(kinds('1 .5 1e3')).toEqual(['NumberLiteral', 'NumberLiteral', 'NumberLiteral']);
  });

  test('operators, longest first', () => {
    expect(kinds('<= <> != < >= > = => || + - * / % , . ; ( )')).toEqual([
      'LessEq', 'NotEquals', 'NotEquals', 'Less', 'GreaterEq', 'Greater', 'Equals', 'Arrow', 'Concat',
      'Plus', 'Minus', 'Star', 'Slash', 'Percent', 'Comma', 'Dot', 'Semicolon', 'LParen', 'RParen',
    ]);
  });

  test('comments are skipped but kept in their own group', () => {
    const lexed = sqlLexer.tokenize('SELECT -- one\n1 /* two\nlines */ + 2');
    expect(lexed.tokens.map((t) => t.image)).toEqual(['SELECT', '1', '+', '2']);
    expect(lexed.groups['comments']!.map((t) => t.image)).toEqual(['-- one', '/* two\nlines */']);
  });

  test('names may use letters beyond ASCII', () => {
    expect(kinds('café Straße число 名前')).toEqual(Array(4).fill('PlainIdentifier'));
  });

  test('positions are 1-based and follow line breaks', () => {
    const [, second] = sqlLexer.tokenize("SELECT\n  'a\nb', x").tokens;
    expect(second).toMatchObject({ startLine: 2, startColumn: 3, endLine: 3, endColumn: 2 });
  });
});
