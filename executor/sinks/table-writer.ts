// Draws a changelog as a box table on a terminal as it streams: header once, a row per change, a count at the end.
import { ROW_KIND_NAMES, type StreamBatch } from '../batch.ts';
import { isNumeric, typeToString, type Schema } from '../../planner/types.ts';
import { columnText, displayText } from './cell-text.ts';
import type { ChangeWriter } from './format.ts';

export interface TableWriterOptions {
  /** The widest a column may get; longer values are cut to this width, ending in '…'. Default 40. */
  readonly maxColumnWidth?: number;
  /** How many of the first rows size the columns before the header is drawn. Default 100. */
  readonly sampleRows?: number;
  /** Shown as a title line above the table, so several queries' tables can be told apart. */
  readonly query?: string;
  /** Show the op column. Default true. */
  readonly op?: boolean;
}

interface Column {
  readonly name: string;
  readonly type: string;
  readonly right: boolean;
  width: number;
}

/**
 * Results arrive over time, so the table cannot be sized from all of them: column widths come from the
 * header and the first rows, and a wider value later is cut with '…' rather than breaking alignment.
 *
 * ```
 * ┌────┬─────────────────────────┬─────────┬────────┐
 * │ op │      window_start       │ user_id │ clicks │
 * │    │      timestamp(3)       │ varchar │ bigint │
 * ├────┼─────────────────────────┼─────────┼────────┤
 * │ +I │ 2026-01-01 10:00:00.000 │ a       │      2 │
 * └────┴─────────────────────────┴─────────┴────────┘
 * 1 change
 * ```
 */
export class TableWriter implements ChangeWriter {
  private readonly columns: Column[];
  private readonly maxWidth: number;
  private readonly sampleRows: number;
  private readonly showOp: boolean;
  private started = false;
  private ended = false;
  private count = 0;

  constructor(
    private readonly schema: Schema,
    private readonly out: (text: string) => void,
    private readonly options: TableWriterOptions = {},
  ) {
    this.maxWidth = Math.max(1, options.maxColumnWidth ?? 40);
    this.sampleRows = options.sampleRows ?? 100;
    this.showOp = options.op !== false;
    const columns: Column[] = this.showOp ? [{ name: 'op', type: '', right: false, width: 2 }] : [];
    for (const f of schema.fields) {
      const name = displayText(f.name);
      const type = typeToString(f.type).toLowerCase();
      columns.push({ name, type, right: isNumeric(f.type), width: Math.max(displayWidth(name), displayWidth(type)) });
    }
    this.columns = columns;
  }

  write(batch: StreamBatch): void {
    const n = batch.data.numRows;
    if (n === 0 || this.ended) return;
    const children = batch.data.data.children;
    const cells = this.schema.fields.map((f, c) => columnText(children[c]!, f.type, 'table'));
    if (this.showOp) cells.unshift(opCells(batch, n));
    let text = '';
    if (!this.started) {
      this.widen(cells, Math.min(n, this.sampleRows));
      text += this.header();
    }
    const lines = new Array<string>(n + 1);
    lines[0] = text;
    const row = new Array<string>(cells.length);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < cells.length; c++) row[c] = cells[c]![i]!;
      lines[i + 1] = this.line(row);
    }
    this.count += n;
    this.out(lines.join(''));
  }

  /** Closes the box and says how many changes there were. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const head = this.started ? '' : this.header();
    const c = this.count;
    this.out(head + this.rule('└', '┴', '┘') + `${c} ${c === 1 ? 'change' : 'changes'}\n`);
  }

  private widen(cells: string[][], rows: number): void {
    this.columns.forEach((col, c) => {
      for (let i = 0; i < rows; i++) col.width = Math.max(col.width, displayWidth(cells[c]![i]!));
      col.width = Math.min(col.width, this.maxWidth);
    });
  }

  private header(): string {
    this.started = true;
    const title = this.options.query === undefined ? '' : displayText(this.options.query) + '\n';
    const names = this.line(this.columns.map((c) => c.name), true);
    const types = this.line(this.columns.map((c) => c.type), true);
    return title + this.rule('┌', '┬', '┐') + names + types + this.rule('├', '┼', '┤');
  }

  private rule(left: string, mid: string, right: string): string {
    return left + this.columns.map((c) => '─'.repeat(c.width + 2)).join(mid) + right + '\n';
  }

  private line(cells: readonly string[], center = false): string {
    let text = '│';
    const columns = this.columns;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      let cell = cells[c]!;
      let w = displayWidth(cell);
      if (w > col.width) {
        cell = fit(cell, col.width);
        w = displayWidth(cell);
      }
      const gap = col.width - w;
      const left = center ? gap >> 1 : col.right ? gap : 0;
      text += ' ' + spaces(left) + cell + spaces(gap - left) + ' │';
    }
    return text + '\n';
  }
}

function opCells(batch: StreamBatch, n: number): string[] {
  const ops = batch.ops;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = ROW_KIND_NAMES[ops ? ops[i]! : 0]!;
  return out;
}

const SPACES = Array.from({ length: 65 }, (_, i) => ' '.repeat(i));

function spaces(n: number): string {
  return n < SPACES.length ? SPACES[n]! : ' '.repeat(n);
}

/** `s`, which is wider than `width` terminal cells, cut to fit and ending in '…'. */
function fit(s: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

// Latin, Greek and Cyrillic below U+0300 take one cell each, so most text skips the per-character walk.
const NARROW = /^[\u0020-\u02ff]*$/;

/** How many terminal cells `s` takes: CJK and emoji take two, combining marks none. */
export function displayWidth(s: string): number {
  if (NARROW.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}
