// Turns lexing problems (unknown characters, unterminated strings, names and comments) into diagnostics.
import type { ILexingError, IToken } from 'chevrotain';
import type { Diagnostic } from './errors.ts';
import * as T from './tokens.ts';

const CHARACTER_HINTS: Record<string, string> = {
  '!': 'use NOT for negation, and <> or != for "not equal"',
  '|': 'use || to join strings and OR for "or"',
  '&': 'use AND for "and"',
  '[': 'quote names with "double quotes" or `backticks`',
  ']': 'quote names with "double quotes" or `backticks`',
  '‘': "use straight quotes: 'text' for strings, \"name\" for names",
  '’': "use straight quotes: 'text' for strings, \"name\" for names",
  '“': "use straight quotes: 'text' for strings, \"name\" for names",
  '”': "use straight quotes: 'text' for strings, \"name\" for names",
};

const UNTERMINATED: Record<string, { what: string; close: string; hint?: string }> = {
  UnterminatedString: { what: 'the string', close: `"'"`, hint: "write '' for a quote inside a string" },
  UnterminatedQuotedIdentifier: {
    what: 'the quoted name',
    close: `'"'`,
    hint: 'write "" for a quote inside a quoted name',
  },
  UnterminatedBacktickIdentifier: {
    what: 'the quoted name',
    close: '"`"',
    hint: 'write `` for a backtick inside a quoted name',
  },
  UnterminatedComment: { what: 'the comment', close: '"*/"' },
};

/** Unknown characters and unterminated strings, names and comments, each pointing where it starts. */
export function lexicalDiagnostics(
  sql: string,
  errors: readonly ILexingError[],
  unterminated: readonly IToken[],
): Diagnostic[] {
  const found = errors.map((e) => {
    const text = sql.slice(e.offset, e.offset + e.length);
    const span = { line: e.line!, column: e.column!, endLine: e.line!, endColumn: e.column! + e.length };
    const plural = [...text].length > 1 ? 'characters' : 'character';
    const hint = CHARACTER_HINTS[[...text][0]!];
    const d: Diagnostic = { code: 'syntax-error', message: `unexpected ${plural} "${text}"`, span };
    return { offset: e.offset, d: hint ? { ...d, hint } : d };
  });
  for (const t of unterminated) {
    const u = UNTERMINATED[t.tokenType.name]!;
    const opener = t.tokenType === T.UnterminatedComment ? 2 : 1;
    const { startLine: line, startColumn: column } = t;
    const span = { line: line!, column: column!, endLine: line!, endColumn: column! + opener };
    const d: Diagnostic = {
      code: 'syntax-error',
      message: `expected ${u.close} to close ${u.what} that starts here, found end of input`,
      span,
    };
    found.push({ offset: t.startOffset, d: u.hint ? { ...d, hint: u.hint } : d });
  }
  return found.sort((a, b) => a.offset - b.offset).map((f) => f.d);
}
