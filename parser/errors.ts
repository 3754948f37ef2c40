// User-facing errors (TidemarkError) with source positions, and their rustc-style rendering.

/** A region of SQL text, 1-based lines and columns; endColumn is exclusive. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** One problem found in user input. */
export interface Diagnostic {
  readonly code: string; // kebab-case: 'syntax-error', 'unknown-column', ...
  readonly message: string; // what was found and what was expected
  readonly span?: Span;
  readonly hint?: string;
}

/** Where SQL text came from, so errors can quote it. */
export interface SourceText {
  readonly text: string;
  readonly file?: string; // path as the user gave it; undefined for inline SQL
}

/**
 * A mistake in user input (SQL, rows, state directory). Never a bug in Tidemark: those are
 * InternalError. `message` is the full rendered diagnostic so an uncaught error still says where.
 */
export class TidemarkError extends Error {
  readonly code: string;
  readonly span?: Span;
  readonly hint?: string;
  readonly file?: string;
  /** Every diagnostic found in the statement; the first is this error's own. */
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: string;

  constructor(diag: Diagnostic | readonly Diagnostic[], source?: SourceText) {
    const all = Array.isArray(diag) ? (diag as readonly Diagnostic[]) : [diag as Diagnostic];
    const first = all[0]!;
    super(renderDiagnostics(all, source));
    this.name = 'TidemarkError';
    this.code = first.code;
    this.span = first.span;
    this.hint = first.hint;
    this.file = source?.file;
    this.diagnostics = all;
    this.summary = first.message;
  }

  /** `file:line:column` (or `line:column`) of the first diagnostic, when it has a span. */
  get location(): string | undefined {
    if (!this.span) return undefined;
    return `${this.file ?? '<sql>'}:${this.span.line}:${this.span.column}`;
  }
}

/** A broken invariant inside Tidemark: a bug, never shown as a user mistake. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error: ${message}`);
    this.name = 'InternalError';
  }
}

export function assertNever(x: never): never {
  throw new InternalError(`unexpected value ${JSON.stringify(x)}`);
}

/** Renders diagnostics like rustc: `error[code]: message`, ` --> file:line:col`, the line and a caret. */
export function renderDiagnostics(diags: readonly Diagnostic[], source?: SourceText): string {
  return diags.map((d) => renderOne(d, source)).join('\n\n');
}

function renderOne(d: Diagnostic, source?: SourceText): string {
  const head = `error[${d.code}]: ${d.message}`;
  if (!d.span || !source) return d.hint ? `${head}\n  = hint: ${d.hint}` : head;
  const { line, column } = d.span;
  const lines = source.text.split(/\r?\n/);
  const text = lines[line - 1] ?? '';
  const width = String(line).length;
  const pad = ' '.repeat(width);
  const caretLen =
    d.span.endLine === line ? Math.max(1, d.span.endColumn - column) : Math.max(1, text.length - column + 1);
  const caret = ' '.repeat(Math.max(0, column - 1)) + '^'.repeat(caretLen);
  const out = [
    head,
    `${pad}--> ${source.file ?? '<sql>'}:${line}:${column}`,
    `${pad} |`,
    `${line} | ${text}`,
    `${pad} | ${caret}${d.hint ? ' ' + d.hint : ''}`,
  ];
  return out.join('\n');
}

/** Closest candidate by edit distance, for "did you mean" hints. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
