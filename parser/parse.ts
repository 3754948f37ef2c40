// The parser's entry points: SQL text in, AST statements with spans out, or a TidemarkError with every problem found.
import type { CstNode, ILexingResult, IToken } from 'chevrotain';
import type { Expr, ParsedStatement, Statement } from './ast.ts';
import { TidemarkError, type Diagnostic, type SourceText, type Span } from './errors.ts';
import { AstContext, spanAfter, spanFrom, spanOf } from './cst.ts';
import { sqlGrammar } from './grammar.ts';
import { lexicalDiagnostics } from './lexical-errors.ts';
import { syntaxDiagnostics } from './syntax-errors.ts';
import { statement } from './to-ast.ts';
import { expression } from './to-ast-expression.ts';
import * as T from './tokens.ts';

/** One statement's share of the text: its tokens, its ";" and the lexing problems inside it. */
interface Chunk {
  readonly tokens: IToken[];
  readonly semicolon?: IToken;
  readonly lexical: Diagnostic[];
  readonly name?: string;
}

/**
 * Parses every statement in `sql` (separated by ";", the last one optional). Throws a TidemarkError with
 * all diagnostics of the first statement that has any; `file` only labels the error.
 */
export function parseStatements(sql: string, file?: string): ParsedStatement[] {
  const source: SourceText = { text: sql, file };
  return splitStatements(sql, T.sqlLexer.tokenize(sql)).map((chunk) => parseChunk(chunk, sql, source));
}

/** Parses text holding exactly one statement. */
export function parseStatement(sql: string, file?: string): ParsedStatement {
  const source: SourceText = { text: sql, file };
  const all = parseStatements(sql, file);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) {
    const span = spanAfter(T.sqlLexer.tokenize(sql).tokens);
    const message = 'expected a statement, found end of input';
    throw new TidemarkError({ code: 'syntax-error', message, span }, source);
  }
  throw new TidemarkError(
    {
      code: 'syntax-error',
      message: 'expected one statement, found another after ";"',
      span: all[1]!.span,
      hint: 'run one statement at a time here',
    },
    source,
  );
}

/** Parses a single expression, such as `a + 1 > b` (handy for tests and tools). */
export function parseExpression(sql: string, file?: string): Expr {
  const source: SourceText = { text: sql, file };
  const lexed = T.sqlLexer.tokenize(sql);
  fail(lexicalDiagnostics(sql, lexed.errors, lexed.groups['unterminated'] ?? []), source);
  const cst = runParser(lexed.tokens, undefined, 'expression', source);
  return build(cst, sql, source, expression);
}

function parseChunk(chunk: Chunk, sql: string, source: SourceText): ParsedStatement {
  // A lexing problem (an unterminated string, say) garbles what follows, so parse errors would only add noise.
  fail(chunk.lexical, source);
  const cst = runParser(chunk.tokens, chunk.semicolon, 'statement', source);
  const stmt: Statement = build(cst, sql, source, statement);
  const first = chunk.tokens[0]!;
  const last = chunk.tokens[chunk.tokens.length - 1]!;
  const span: Span = spanFrom(spanOf(first), spanOf(last));
  const text = sql.slice(first.startOffset, last.endOffset! + 1);
  return { statement: stmt, text, ...(chunk.name !== undefined && { name: chunk.name }), span };
}

function runParser(
  tokens: IToken[],
  semicolon: IToken | undefined,
  rule: 'statement' | 'expression',
  source: SourceText,
): CstNode {
  sqlGrammar.input = tokens;
  const cst = sqlGrammar[rule]();
  const errors = sqlGrammar.errors;
  if (errors.length > 0) {
    const expectedAfter = (prefix: IToken[]) => sqlGrammar.computeContentAssist(rule, prefix);
    fail(syntaxDiagnostics(errors, { tokens, semicolon, what: rule, expectedAfter }), source);
  }
  return cst;
}

function build<N>(cst: CstNode, sql: string, source: SourceText, visit: (n: CstNode, cx: AstContext) => N): N {
  const cx = new AstContext(sql);
  const node = visit(cst, cx);
  fail(cx.diagnostics.sort((a, b) => a.span!.line - b.span!.line || a.span!.column - b.span!.column), source);
  return node;
}

function fail(diagnostics: readonly Diagnostic[], source: SourceText): void {
  if (diagnostics.length > 0) throw new TidemarkError(diagnostics, source);
}

/**
 * Cuts the token stream at each ";" (strings and comments were already lexed, so a ";" inside them is
 * safe). Lexing problems go to the statement whose text holds them; a `-- name: x` line comment between
 * the previous statement and this one names it.
 */
function splitStatements(sql: string, lexed: ILexingResult): Chunk[] {
  const comments = lexed.groups['comments'] ?? [];
  const unterminated = lexed.groups['unterminated'] ?? [];
  const chunks: Chunk[] = [];
  let start = 0; // offset where the current statement's share of the text begins
  let tokens: IToken[] = [];
  const close = (semicolon: IToken | undefined) => {
    const end = semicolon ? semicolon.startOffset : Infinity;
    const within = (offset: number) => offset >= start && offset < end;
    const lexical = lexicalDiagnostics(
      sql,
      lexed.errors.filter((e) => within(e.offset)),
      unterminated.filter((t) => within(t.startOffset)),
    );
    if (tokens.length > 0 || lexical.length > 0) {
      const name = nameAbove(sql, comments, start, tokens[0]?.startOffset ?? end);
      chunks.push({ tokens, lexical, ...(semicolon && { semicolon }), ...(name !== undefined && { name }) });
    }
    tokens = [];
    start = semicolon ? semicolon.endOffset! + 1 : end;
  };
  for (const t of lexed.tokens) {
    if (t.tokenType === T.Semicolon) close(t);
    else tokens.push(t);
  }
  close(undefined);
  return chunks;
}

const NAME_COMMENT = /^--\s*name\s*:\s*(.*?)\s*$/i;

/** The last `-- name: x` comment that sits on its own line between `from` and `to`. */
function nameAbove(sql: string, comments: readonly IToken[], from: number, to: number): string | undefined {
  let name: string | undefined;
  for (const c of comments) {
    if (c.startOffset < from || c.startOffset >= to) continue;
    const lineStart = sql.lastIndexOf('\n', c.startOffset - 1) + 1;
    const ownLine = sql.slice(lineStart, c.startOffset).trim() === '';
    const m = NAME_COMMENT.exec(c.image);
    if (ownLine && m && m[1]) name = m[1];
  }
  return name;
}
