// Turns chevrotain's parsing errors into diagnostics that say, in plain words, what was found and expected.
import type {
  ILexingError,
  IParserErrorMessageProvider,
  IRecognitionException,
  ISyntacticContentAssistPath,
  IToken,
  TokenType,
} from 'chevrotain';
import { didYouMean, type Diagnostic } from './errors.ts';
import { spanAfter, spanOf } from './cst.ts';
import * as T from './tokens.ts';

/** One thing that could have come next: a token type and the grammar rule that wanted it. */
interface Expectation {
  readonly type: TokenType;
  readonly rule: string;
}

const tokenByName = new Map(T.allTokens.map((t) => [t.name, t]));

// chevrotain phrases its errors through this provider. Ours records what was expected, as JSON, for the
// translation below; chevrotain's own English ("Expecting one of these possible Token sequences") never
// reaches a user.
const encode = (types: readonly (TokenType | undefined)[], rule: string) =>
  JSON.stringify({ rule, types: types.flatMap((t) => (t ? [t.name] : [])) });

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) => encode([expected], ruleName),
  buildNotAllInputParsedMessage: ({ ruleName }) => encode([], ruleName),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    encode(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])), ruleName),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    encode(expectedIterationPaths.map((path) => path[0]), ruleName),
};

function decode(message: string): Expectation[] {
  try {
    const { rule, types } = JSON.parse(message) as { rule: string; types: string[] };
    return types.flatMap((name) => {
      const type = tokenByName.get(name);
      return type ? [{ type, rule }] : [];
    });
  } catch {
    return [];
  }
}

/** A statement's tokens as the parser saw them, and how to ask the grammar what may follow a prefix. */
export interface StatementTokens {
  readonly tokens: readonly IToken[];
  /** The ";" that ends the statement; undefined when the statement runs to the end of the text. */
  readonly semicolon: IToken | undefined;
  /** What was parsed, for "the end of the statement". */
  readonly what: 'statement' | 'expression';
  readonly expectedAfter: (prefix: IToken[]) => ISyntacticContentAssistPath[];
}

export function syntaxDiagnostics(errors: readonly IRecognitionException[], input: StatementTokens): Diagnostic[] {
  const out: Diagnostic[] = [];
  let last: number | undefined;
  const indexed = errors
    .map((e) => ({ e, index: tokenIndex(input.tokens, e.token) }))
    .sort((a, b) => a.index - b.index);
  for (const { e, index } of indexed) {
    // After an error, recovery often trips again before it is back on solid ground; a later error is
    // trusted only once a clause or list boundary lies between the two.
    if (last !== undefined && !input.tokens.slice(last + 1, index).some((t) => BOUNDARIES.has(t.tokenType))) continue;
    last = index;
    out.push(syntaxDiagnostic(e, index, input));
  }
  return out;
}

const BOUNDARIES = new Set<TokenType>([T.Select, T.From, T.Where, T.Group, T.Having, T.With, T.Comma]);

function tokenIndex(tokens: readonly IToken[], tok: IToken): number {
  const i = tokens.indexOf(tok);
  return i >= 0 ? i : tokens.length; // chevrotain's EOF token is not in the vector
}

function syntaxDiagnostic(e: IRecognitionException, index: number, input: StatementTokens): Diagnostic {
  const { tokens, semicolon } = input;
  const found = tokens[index];
  const prev = tokens[index - 1];
  const canEnd = e.name === 'NotAllInputParsedException';
  const prefix = tokens.slice(0, index);
  const own = decode(e.message);
  // The grammar's view of what may follow is complete for the first error; after recovery the prefix
  // itself is broken and only chevrotain's own expectation is left.
  let expected = expectationsOf(assist(input, prefix));
  if (e.name === 'MismatchedTokenException') {
    // A missing token inside a construct (AND of BETWEEN, END of CASE): what that construct accepts here
    // says more than every operator that could also continue the expression.
    const rule = own[0]?.rule;
    const inRule = expected.filter((x) => x.rule === rule);
    if (inRule.length > 0) expected = inRule;
  }
  if (expected.length === 0) expected = own;
  const foundText = found ? describeToken(found) : semicolon ? '";"' : 'end of input';
  const span = found ? spanOf(found) : semicolon ? spanOf(semicolon) : spanAfter(tokens);
  const open = unclosedParen(tokens, index);
  let message: string;
  if (open && expected.some((x) => x.type === T.RParen)) {
    message = `expected ")" to close "(" opened at ${open.startLine}:${open.startColumn}, found ${foundText}`;
  } else {
    const wanted = describeExpected(expected, canEnd ? `the end of the ${input.what}` : undefined);
    const after = prev ? ` after ${describeToken(prev)}` : '';
    message = wanted ? `expected ${wanted}${after}, found ${foundText}` : `unexpected ${foundText}${after}`;
  }
  const hint = hintFor({ found, prev, expected, canEnd, open, prefix, input });
  return hint === undefined ? { code: 'syntax-error', message, span } : { code: 'syntax-error', message, span, hint };
}

/** Content assist walks the grammar over the whole prefix; past this length the error path would crawl. */
const MAX_ASSIST_PREFIX = 1000;

function assist(input: StatementTokens, prefix: IToken[]): ISyntacticContentAssistPath[] {
  return prefix.length > MAX_ASSIST_PREFIX ? [] : input.expectedAfter(prefix);
}

function expectationsOf(paths: readonly ISyntacticContentAssistPath[]): Expectation[] {
  return paths.map((p) => ({ type: p.nextTokenType, rule: p.ruleStack[p.ruleStack.length - 1] ?? '' }));
}

// ---- describing what was expected ----

const EXPRESSION_START = new Set<TokenType>([
  T.Identifier, T.NumberLiteral, T.StringLiteral, T.True, T.False, T.Null, T.Interval, T.Timestamp,
  T.Cast, T.Case, T.LParen, T.Minus, T.Plus, T.Not,
]);
const OPERATORS = new Set<TokenType>([
  T.Plus, T.Minus, T.Star, T.Slash, T.Percent, T.Concat, T.Equals, T.NotEquals, T.Less, T.LessEq,
  T.Greater, T.GreaterEq, T.Is, T.Not, T.Between, T.In, T.Like, T.And, T.Or,
]);
/** Words of constructs that are parsed only to be reported as unsupported: never offered as expected. */
const NEVER_SUGGESTED = new Set<TokenType>([
  T.Distinct, T.All, T.Order, T.Limit, T.Join, T.Inner, T.Cross, T.Left, T.Right, T.Full, T.Outer, T.On,
  T.Union, T.Intersect, T.Except, T.Over, T.Values, T.Asc, T.Desc,
]);
const UNSUPPORTED_RULES = new Set(['join', 'setOperation', 'orderBy', 'limit', 'over', 'values', 'primaryKey']);
/** Optional, gated continuations that would only clutter a message (`INT(`, `name(`, `t.`, unit words). */
const CLUTTER: Record<string, readonly TokenType[]> = {
  typeName: [T.PlainIdentifier, T.With, T.LParen],
  interval: [T.PlainIdentifier, T.To],
  explain: [T.PlainIdentifier],
  call: [T.LParen],
  functionRef: [T.LParen],
  column: [T.Dot],
  star: [T.Dot],
  set: [T.Minus],
};
const NAME_LABELS: Record<string, string> = {
  alias: 'an alias',
  tableRef: 'a table name',
  insert: 'a table name',
  createTable: 'a table name',
  star: 'a table name',
  tvf: 'a function name',
  functionRef: 'a function name',
  call: 'a function name',
  column: 'a column name',
  descriptorArg: 'a column name',
  watermarkDef: 'a column name',
  physicalColumn: 'a column name',
  computedColumn: 'a column name',
  typeName: 'a type',
  tvfArg: 'an argument name',
};

const isOffered = (x: Expectation) =>
  !NEVER_SUGGESTED.has(x.type) && !UNSUPPORTED_RULES.has(x.rule) && !CLUTTER[x.rule]?.includes(x.type);

function describeExpected(all: readonly Expectation[], end: string | undefined): string {
  const offered = all.filter(isOffered);
  const expected = offered.length > 0 ? offered : all;
  const has = (type: TokenType, rules?: readonly string[]) =>
    expected.some((x) => x.type === type && (!rules || rules.includes(x.rule)));
  const anExpression = has(T.NumberLiteral) && has(T.Identifier);
  const anOperator = has(T.Star, ['multiplicative']) && has(T.Equals, ['comparisonOp']);
  const labels: string[] = [];
  for (const x of expected) {
    let label: string;
    if (anExpression && (EXPRESSION_START.has(x.type) || (x.type === T.Star && x.rule !== 'multiplicative'))) {
      label = 'an expression';
    } else if (anOperator && OPERATORS.has(x.type)) label = 'an operator';
    else label = labelOf(x);
    if (!labels.includes(label)) labels.push(label);
  }
  // After FROM both a table and a function may come, and "an alias" covers AS: one label says it.
  dropIfBoth(labels, 'a function name', 'a table name');
  dropIfBoth(labels, 'AS', 'an alias');
  // Descriptions ("a table name", "an expression") read best before bare keywords and punctuation.
  const described = (l: string) => (l.startsWith('a ') || l.startsWith('an ') ? 0 : 1);
  labels.sort((a, b) => described(a) - described(b));
  if (end) labels.push(end);
  return joinOr(labels);
}

function dropIfBoth(labels: string[], drop: string, keep: string): void {
  const i = labels.indexOf(drop);
  if (i >= 0 && labels.includes(keep)) labels.splice(i, 1);
}

function labelOf(x: Expectation): string {
  switch (x.type) {
    case T.Identifier:
      return NAME_LABELS[x.rule] ?? 'a name';
    case T.Word:
      return 'a name';
    case T.PlainIdentifier:
      return x.rule === 'interval' ? 'an interval unit' : 'a name';
    case T.StringLiteral:
      return 'a string';
    case T.NumberLiteral:
      return 'a number';
    case T.Group:
      return 'GROUP BY';
    case T.Partition:
      return 'PARTITION BY';
    case T.Table:
      return x.rule === 'tvf' ? 'TABLE(...)' : 'TABLE';
    default:
      return x.type.LABEL ?? x.type.name;
  }
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function describeToken(tok: IToken): string {
  const image = tok.image.length > 40 ? tok.image.slice(0, 37) + '...' : tok.image;
  if (tok.tokenType === T.StringLiteral) return `the string ${image}`;
  if (tok.tokenType === T.QuotedIdentifier || tok.tokenType === T.BacktickIdentifier) return `the quoted name ${image}`;
  return `"${image}"`;
}

// ---- hints ----

interface HintInput {
  readonly found: IToken | undefined;
  readonly prev: IToken | undefined;
  readonly expected: readonly Expectation[];
  readonly canEnd: boolean;
  readonly open: IToken | undefined;
  readonly prefix: IToken[];
  readonly input: StatementTokens;
}

const STATEMENT_STARTS = new Set<TokenType>([T.Select, T.Insert, T.Create, T.Set, T.Explain]);
/** Words that shape a statement: found where a name belongs, they mean something is missing, not a bad name. */
const STRUCTURAL = new Set<TokenType>([
  T.Select, T.From, T.Where, T.Group, T.By, T.Having, T.As, T.And, T.Or, T.Not, T.Null, T.True, T.False,
  T.Is, T.In, T.Like, T.Between, T.When, T.Then, T.Else, T.On, T.Join, T.With, T.Into, T.For, T.Insert,
  T.Create,
]);
const isReserved = (t: TokenType) => T.RESERVED_WORDS.has(t.LABEL ?? '');
const endsOperand = (t: IToken) =>
  (t.tokenType.CATEGORIES ?? []).includes(T.Identifier) ||
  [T.NumberLiteral, T.StringLiteral, T.RParen, T.True, T.False, T.Null, T.Star].includes(t.tokenType);
const startsOperand = (t: IToken) =>
  (t.tokenType.CATEGORIES ?? []).includes(T.Identifier) || [T.NumberLiteral, T.StringLiteral].includes(t.tokenType);

/** The most likely fix: the first hint that applies, most specific first. */
function hintFor(h: HintInput): string | undefined {
  for (const hint of HINTS) {
    const text = hint(h);
    if (text !== undefined) return text;
  }
  return undefined;
}

const wants = (h: HintInput, type: TokenType) => h.expected.some((x) => x.type === type);
/** Short names (`t`, `ts`) are too close to too many keywords to guess from. */
const guessable = (t: IToken | undefined, length: number): t is IToken =>
  t?.tokenType === T.PlainIdentifier && t.image.length >= length;
const spelled = (keyword: string) => (['GROUP', 'ORDER', 'PARTITION'].includes(keyword) ? `${keyword} BY` : keyword);

const HINTS: readonly ((h: HintInput) => string | undefined)[] = [
  function wrongQuotes({ found, expected }) {
    if (!found || !expected.some((x) => x.type === T.StringLiteral)) return undefined;
    if (found.tokenType === T.QuotedIdentifier) {
      return `string literals use single quotes: '${found.image.slice(1, -1).replaceAll("'", "''")}'`;
    }
    if (expected.every((x) => x.rule === 'tableOption')) {
      return "option keys and values are strings in single quotes, like 'connector' = 'file'";
    }
    return undefined;
  },
  function extraComma({ found, prev }) {
    if (!found || prev?.tokenType !== T.Comma) return undefined;
    const closes = isReserved(found.tokenType) || found.tokenType === T.RParen;
    return closes ? `is there an extra "," before "${found.image}"?` : undefined;
  },
  function missingSemicolon({ found, canEnd }) {
    if (!found || !canEnd || !STATEMENT_STARTS.has(found.tokenType)) return undefined;
    return `is a ";" missing before "${found.image}"?`;
  },
  function reservedName(h) {
    const { found } = h;
    if (!found || !isReserved(found.tokenType) || STRUCTURAL.has(found.tokenType)) return undefined;
    if (!wants(h, T.Identifier) || wants(h, found.tokenType)) return undefined;
    return `${found.image.toUpperCase()} is a reserved word: write \`${found.image}\` to use it as a name`;
  },
  function misspelledKeyword({ found, expected }) {
    if (!guessable(found, 4)) return undefined;
    const keywords = expected.map((x) => x.type.LABEL ?? '').filter((l) => T.KEYWORDS.includes(l));
    const keyword = nearKeyword(found.image, keywords);
    return keyword && `did you mean ${spelled(keyword)}?`;
  },
  function misspelledAlias({ prev, prefix, input }) {
    // A misspelled keyword after a complete item reads as an alias (`FROM t WHRE x`): the error comes a word later.
    if (!guessable(prev, 3)) return undefined;
    const before = expectationsOf(assist(input, prefix.slice(0, -1)));
    const reserved = before.map((x) => x.type.LABEL ?? '').filter((l) => T.RESERVED_WORDS.has(l));
    const keyword = nearKeyword(prev.image, reserved);
    return keyword && `did you mean ${spelled(keyword)} instead of "${prev.image}"?`;
  },
  function missingComma({ found, prev, prefix, expected }) {
    if (!found || !prev || !endsOperand(prev)) return undefined;
    if (!expected.some((x) => x.type === T.Comma && isOffered(x))) return undefined;
    if (startsOperand(found)) return `is a "," missing before "${found.image}"?`;
    // `SELECT a COUNT(*)`: COUNT was read as an alias of a, so the comma belongs before it.
    const beforePrev = prefix[prefix.length - 2];
    const continues = found.tokenType === T.LParen || found.tokenType === T.Dot;
    return continues && beforePrev && endsOperand(beforePrev) ? `is a "," missing before "${prev.image}"?` : undefined;
  },
  function misusedConstruct(h) {
    const { found, prev, prefix } = h;
    if (!found) return undefined;
    if (found.tokenType === T.Equals && prev?.tokenType === T.Equals) return 'SQL compares with a single "="';
    if (h.expected.some((x) => x.type === T.As && x.rule === 'cast')) return `write CAST(value AS ${found.image})`;
    if (found.tokenType === T.NumberLiteral && prev?.tokenType === T.Interval) {
      const unit = h.input.tokens[prefix.length + 1];
      const written = unit?.tokenType === T.PlainIdentifier ? ' ' + unit.image : '';
      return `the value is a string: INTERVAL '${found.image}'${written}`;
    }
    const watermark = prefix[prefix.length - 2]?.tokenType === T.Watermark;
    if (watermark && prev && found.tokenType === T.As) return `write WATERMARK FOR ${prev.image} AS ...`;
    return undefined;
  },
  function strayParen({ found, open }) {
    return found?.tokenType === T.RParen && !open ? 'this ")" has no "(" to close' : undefined;
  },
];

/** A keyword one edit or one swapped pair of letters away (`SELCT`, `FORM`). */
function nearKeyword(word: string, keywords: readonly string[]): string | undefined {
  const close = didYouMean(word, keywords);
  if (close) return close;
  const w = word.toUpperCase();
  return keywords.find((k) => {
    if (k.length !== w.length) return false;
    const diff = [...k].flatMap((c, i) => (c === w[i] ? [] : [i]));
    return diff.length === 2 && diff[1] === diff[0]! + 1 && k[diff[0]!] === w[diff[1]!] && k[diff[1]!] === w[diff[0]!];
  });
}

function unclosedParen(tokens: readonly IToken[], index: number): IToken | undefined {
  const open: IToken[] = [];
  for (const t of tokens.slice(0, index)) {
    if (t.tokenType === T.LParen) open.push(t);
    else if (t.tokenType === T.RParen) open.pop();
  }
  return open[open.length - 1];
}
