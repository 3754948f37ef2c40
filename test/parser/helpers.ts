// Test helpers for the parser: SQL with marked spans, diagnostics of a failed parse, and span-free ASTs.
import { TidemarkError, type Diagnostic, type Span } from '../../parser/errors.ts';
import { parseStatements } from '../../parser/parse.ts';

export interface Marked {
  readonly text: string;
  /** The span of each `${...}` part, in order. */
  readonly spans: readonly Span[];
}

/** sql`SELECT ${'prce'} FROM bids`: the text, with the span of each interpolated part marked. */
export function sql(strings: TemplateStringsArray, ...marks: string[]): Marked {
  let text = strings[0]!;
  const spans: Span[] = [];
  marks.forEach((mark, i) => {
    const before = text.split('\n');
    const line = before.length;
    const column = before[line - 1]!.length + 1;
    text += mark;
    const after = text.split('\n');
    spans.push({ line, column, endLine: after.length, endColumn: after[after.length - 1]!.length + 1 });
    text += strings[i + 1]!;
  });
  return { text, spans };
}

/** The diagnostics parsing `text` fails with; fails the test when it parses. */
export function errorsOf(text: string): readonly Diagnostic[] {
  return errorOf(text).diagnostics;
}

export function errorOf(text: string, file?: string): TidemarkError {
  try {
    parseStatements(text, file);
  } catch (e) {
    if (e instanceof TidemarkError) return e;
    throw e;
  }
  throw new Error(`expected a parse error for: ${text}`);
}

/** A copy without `span` fields, so tests can compare shapes. */
export function noSpans<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'span' ? undefined : v))) as T;
}
