// Typed access to chevrotain CST nodes, spans from tokens and nodes, and the context the AST builders share.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Ident } from './ast.ts';
import { InternalError, type Diagnostic, type Span } from './errors.ts';
import * as T from './tokens.ts';

/** What the AST builders share: the source text (for slices) and the diagnostics found so far. */
export class AstContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly sql: string) {}

  report(code: string, message: string, span: Span, hint?: string): void {
    this.diagnostics.push(hint === undefined ? { code, message, span } : { code, message, span, hint });
  }

  unsupported(what: string, span: Span, hint?: string): void {
    this.report('unsupported', `${what} not supported yet`, span, hint);
  }

  /** The exact source text of a node. */
  textOf(node: CstNode): string {
    const loc = node.location!;
    return this.sql.slice(loc.startOffset, loc.endOffset! + 1);
  }
}

const isToken = (e: CstElement): e is IToken => 'image' in e;

export function nodes(n: CstNode, key: string): CstNode[] {
  return (n.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
}

export function node(n: CstNode, key: string): CstNode | undefined {
  return nodes(n, key)[0];
}

export function needNode(n: CstNode, key: string): CstNode {
  const found = node(n, key);
  if (!found) throw new InternalError(`CST node ${n.name} has no ${key}`);
  return found;
}

export function tokens(n: CstNode, key: string): IToken[] {
  return (n.children[key] ?? []).filter(isToken);
}

export function token(n: CstNode, key: string): IToken | undefined {
  return tokens(n, key)[0];
}

export function needToken(n: CstNode, key: string): IToken {
  const found = token(n, key);
  if (!found) throw new InternalError(`CST node ${n.name} has no token ${key}`);
  return found;
}

/** The child of a rule that chose one of several alternatives, typed by the rule names it can be. */
export function oneOf<K extends string>(n: CstNode, rules: readonly K[]): CstNode & { readonly name: K } {
  for (const rule of rules) {
    const found = node(n, rule);
    if (found) return found as CstNode & { readonly name: K };
  }
  throw new InternalError(`CST node ${n.name} has none of ${rules.join(', ')}`);
}

/** chevrotain columns are 1-based and inclusive; Span.endColumn is exclusive. */
export function spanOf(x: CstNode | IToken): Span {
  if (isToken(x as CstElement)) {
    const t = x as IToken;
    return { line: t.startLine!, column: t.startColumn!, endLine: t.endLine!, endColumn: t.endColumn! + 1 };
  }
  const loc = (x as CstNode).location!;
  return { line: loc.startLine!, column: loc.startColumn!, endLine: loc.endLine!, endColumn: loc.endColumn! + 1 };
}

/** Just after the last token: where "end of input" is. */
export function spanAfter(tokens: readonly IToken[]): Span {
  const last = tokens[tokens.length - 1];
  if (!last) return { line: 1, column: 1, endLine: 1, endColumn: 2 };
  return { line: last.endLine!, column: last.endColumn! + 1, endLine: last.endLine!, endColumn: last.endColumn! + 2 };
}

/** From the start of `a` to the end of `b`. */
export function spanFrom(a: Span, b: Span): Span {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** A name as written; quoted names lose their quotes and doubled quote characters. */
export function identOf(tok: IToken): Ident {
  const span = spanOf(tok);
  if (tok.tokenType === T.QuotedIdentifier) return { name: unquote(tok.image, '"'), quoted: true, span };
  if (tok.tokenType === T.BacktickIdentifier) return { name: unquote(tok.image, '`'), quoted: true, span };
  return { name: tok.image, quoted: false, span };
}

/** The content of a quoted token: `'it''s'` → `it's`. */
export function unquote(image: string, quote: string): string {
  return image.slice(1, -1).replaceAll(quote + quote, quote);
}

export function stringValue(tok: IToken): string {
  return unquote(tok.image, "'");
}
