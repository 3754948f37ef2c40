// The SQL lexer: chevrotain token types for Tidemark's dialect and one shared Lexer instance.
import { createToken, Lexer, type TokenType } from 'chevrotain';

// Categories: abstract token types that the grammar consumes to accept any of their members.

/** Anything usable as a name: plain and quoted identifiers, and the soft keywords. */
export const Identifier = createToken({ name: 'Identifier', pattern: Lexer.NA, label: 'a name' });
/** A bare word (plain identifier or any keyword), for `SET table.exec.state.ttl = ...`. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
/** Every real token but parentheses, so unsupported constructs can be skipped as balanced groups. */
export const NotParen = createToken({ name: 'NotParen', pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
// Comments are kept in a group (not the token vector) so `-- name: x` above a statement can be read.
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
  line_breaks: true,
});

// An unterminated string, quoted name or comment runs to the end of the text; these tokens catch that
// so the error points at where it starts, not at the end of the file.
const unterminated = (name: string, pattern: RegExp) =>
  createToken({ name, pattern, group: 'unterminated', line_breaks: true });
export const UnterminatedComment = unterminated('UnterminatedComment', /\/\*[\s\S]*/);

type TokenConfig = Parameters<typeof createToken>[0];
const token = (name: string, pattern: RegExp, label: string, extra: Partial<TokenConfig> = {}) =>
  createToken({ name, pattern, label, categories: [NotParen], ...extra });

export const StringLiteral = token('StringLiteral', /'(?:[^']|'')*'/, 'a string', { line_breaks: true });
export const UnterminatedString = unterminated('UnterminatedString', /'(?:[^']|'')*/);
export const QuotedIdentifier = token('QuotedIdentifier', /"(?:[^"]|"")*"/, 'a name', {
  categories: [Identifier, NotParen],
  line_breaks: true,
});
export const UnterminatedQuotedIdentifier = unterminated('UnterminatedQuotedIdentifier', /"(?:[^"]|"")*/);
export const BacktickIdentifier = token('BacktickIdentifier', /`(?:[^`]|``)*`/, 'a name', {
  categories: [Identifier, NotParen],
  line_breaks: true,
});
export const UnterminatedBacktickIdentifier = unterminated('UnterminatedBacktickIdentifier', /`(?:[^`]|``)*/);
export const NumberLiteral = token('NumberLiteral', /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/, 'a number');

// Letters beyond ASCII (Latin, Greek, Cyrillic, CJK) are allowed in names, as in Flink.
const LETTER = String.raw`A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02AF\u0370-\u03FF\u0400-\u04FF\u4E00-\u9FFF`;
export const PlainIdentifier = token('PlainIdentifier', new RegExp(`[${LETTER}][${LETTER}0-9]*`), 'a name', {
  categories: [Identifier, Word, NotParen],
});

const keywords: TokenType[] = [];
const reserved = new globalThis.Set<string>();
/** A case-insensitive keyword that leaves longer words (`selected`, `window_start`) to PlainIdentifier. */
function keyword(word: string, kind: 'reserved' | 'soft' = 'reserved'): TokenType {
  const categories = kind === 'soft' ? [Word, NotParen, Identifier] : [Word, NotParen];
  const name = word[0]!.toUpperCase() + word.slice(1).toLowerCase();
  const pattern = new RegExp(word, 'i');
  const tok = createToken({ name, pattern, longer_alt: PlainIdentifier, categories, label: word });
  keywords.push(tok);
  if (kind === 'reserved') reserved.add(word);
  return tok;
}

// Reserved words: never names unless quoted. Kept to what the grammar needs (Flink reserves all of them too).
export const Select = keyword('SELECT');
export const From = keyword('FROM');
export const Where = keyword('WHERE');
export const Group = keyword('GROUP');
export const By = keyword('BY');
export const Having = keyword('HAVING');
export const As = keyword('AS');
export const And = keyword('AND');
export const Or = keyword('OR');
export const Not = keyword('NOT');
export const Null = keyword('NULL');
export const True = keyword('TRUE');
export const False = keyword('FALSE');
export const Is = keyword('IS');
export const In = keyword('IN');
export const Like = keyword('LIKE');
export const Between = keyword('BETWEEN');
export const Case = keyword('CASE');
export const When = keyword('WHEN');
export const Then = keyword('THEN');
export const Else = keyword('ELSE');
export const End = keyword('END');
export const Cast = keyword('CAST');
export const Interval = keyword('INTERVAL');
export const To = keyword('TO');
export const Table = keyword('TABLE');
export const Descriptor = keyword('DESCRIPTOR');
export const Partition = keyword('PARTITION');
export const Create = keyword('CREATE');
export const With = keyword('WITH');
export const For = keyword('FOR');
export const Insert = keyword('INSERT');
export const Into = keyword('INTO');
export const Values = keyword('VALUES');
export const Set = keyword('SET');
export const Explain = keyword('EXPLAIN');
export const Distinct = keyword('DISTINCT');
export const All = keyword('ALL');
export const Order = keyword('ORDER');
export const Limit = keyword('LIMIT');
export const Join = keyword('JOIN');
export const Inner = keyword('INNER');
export const Full = keyword('FULL');
export const Cross = keyword('CROSS');
export const Outer = keyword('OUTER');
export const On = keyword('ON');
export const Union = keyword('UNION');
export const Intersect = keyword('INTERSECT');
export const Except = keyword('EXCEPT');
export const Over = keyword('OVER');

// Soft keywords: keywords in one place, names everywhere else (`timestamp`, `watermark`, LEFT(s, n)).
export const Timestamp = keyword('TIMESTAMP', 'soft');
export const Watermark = keyword('WATERMARK', 'soft');
export const If = keyword('IF', 'soft');
export const Exists = keyword('EXISTS', 'soft');
export const Left = keyword('LEFT', 'soft');
export const Right = keyword('RIGHT', 'soft');
export const Asc = keyword('ASC', 'soft');
export const Desc = keyword('DESC', 'soft');

export const Arrow = token('Arrow', /=>/, '"=>"');
export const LessEq = token('LessEq', /<=/, '"<="');
export const NotEquals = token('NotEquals', /<>|!=/, '"<>"');
export const Less = token('Less', /</, '"<"');
export const GreaterEq = token('GreaterEq', />=/, '">="');
export const Greater = token('Greater', />/, '">"');
export const Equals = token('Equals', /=/, '"="');
export const Concat = token('Concat', /\|\|/, '"||"');
export const Plus = token('Plus', /\+/, '"+"');
export const Minus = token('Minus', /-/, '"-"');
export const Star = token('Star', /\*/, '"*"');
export const Slash = token('Slash', /\//, '"/"');
export const Percent = token('Percent', /%/, '"%"');
export const Comma = token('Comma', /,/, '","');
export const Dot = token('Dot', /\./, '"."');
export const Semicolon = token('Semicolon', /;/, '";"');
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '"("' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '")"' });

/** Every token type, in lexing order (first match wins; longer_alt rescues identifiers). */
export const allTokens: TokenType[] = [
  Identifier, Word, NotParen,
  WhiteSpace, LineComment, BlockComment, UnterminatedComment,
  StringLiteral, UnterminatedString, QuotedIdentifier, UnterminatedQuotedIdentifier,
  BacktickIdentifier, UnterminatedBacktickIdentifier, NumberLiteral,
  // Longest first: `AS` tried before `ASC` would end as a plain name through its longer_alt.
  ...[...keywords].sort((a, b) => b.LABEL!.length - a.LABEL!.length),
  PlainIdentifier,
  Arrow, LessEq, NotEquals, Less, GreaterEq, Greater, Equals, Concat,
  Plus, Minus, Star, Slash, Percent, Comma, Dot, Semicolon, LParen, RParen,
];

/** Keyword spellings, for "did you mean SELECT?" hints. */
export const KEYWORDS: readonly string[] = keywords.map((k) => k.LABEL!);
/** Keywords that cannot be names unless quoted. */
export const RESERVED_WORDS: ReadonlySet<string> = reserved;

export const sqlLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: true });
