// Runs sqllogictest-style golden files (.slt) against the library, and rewrites their expected blocks on request.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createEngine, type Engine, type SourceHandle } from '../../index.ts';
import { OperatorError } from '../../executor/operator.ts';
import { StreamingQuery } from '../../executor/session/streaming-query.ts';
import { fileTableSink } from '../../executor/sinks/file-table-sink.ts';
import { InternalError, TidemarkError } from '../../parser/errors.ts';
import type { TableDef } from '../../planner/catalog.ts';
import type { LogicalPlan } from '../../planner/logical-plan.ts';
import type { PlannedQuery } from '../../planner/plan-statement.ts';
import type { SqlType } from '../../planner/types.ts';

/** The format, in short (STYLE.md "Tests"):
 *
 *   statement ok | statement error [line:col] <code>     then SQL
 *   query <types> [rowsort]                              then SQL, `----`, one line per row
 *   query error [line:col] <code> [message text]         then SQL
 *
 * A blank line ends a record; `#` lines between records are comments. Types are one letter per column:
 * I (INT, BIGINT), R (DOUBLE, DECIMAL), B (BOOLEAN), T (VARCHAR, TIMESTAMP). Values are separated by one
 * space: NULL, true/false, numbers as JS prints them, TIMESTAMP as `YYYY-MM-DD HH:MM:SS.fff` (UTC), strings
 * as they are, the empty string as `(empty)`. A change other than +I is printed with its op first (`-U ...`).
 * `EXPLAIN ...` queries compare the plan's text lines. A runtime failure (a row an operator cannot
 * evaluate) has the code `runtime` and no position; `message text`, when given, must occur in the message.
 */
export type SltRecord =
  | (Base & { readonly kind: 'statement'; readonly error?: ExpectedError })
  | (Base & { readonly kind: 'query'; readonly types: string; readonly rowsort: boolean; readonly expected: readonly string[] })
  | (Base & { readonly kind: 'query-error'; readonly error: ExpectedError });

interface Base {
  /** 1-based line of the record's header, for test names and messages. */
  readonly line: number;
  readonly sql: string;
  /** Line indexes (0-based) of the header, and the end of the record (exclusive), for rewriting. */
  readonly headerIndex: number;
  readonly sqlEnd: number;
  readonly end: number;
}

export interface ExpectedError {
  readonly code: string;
  readonly position?: { readonly line: number; readonly column: number };
  readonly message?: string;
}

export function parseSlt(text: string, file = '<slt>'): SltRecord[] {
  const lines = text.split('\n');
  const records: SltRecord[] = [];
  let i = 0;
  const blank = (k: number) => k >= lines.length || lines[k]!.trim() === '';
  while (i < lines.length) {
    if (blank(i) || lines[i]!.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    const headerIndex = i;
    const header = lines[i]!.trim().split(/\s+/);
    const where = `${file}:${i + 1}`;
    i++;
    const sqlStart = i;
    const isQuery = header[0] === 'query' && header[1] !== 'error';
    while (!blank(i) && !(isQuery && lines[i]!.trim() === '----')) i++;
    const sqlEnd = i;
    const sql = lines.slice(sqlStart, sqlEnd).join('\n');
    if (!sql.trim()) throw new Error(`${where}: a record needs SQL after its header`);
    const expected: string[] = [];
    if (isQuery && !blank(i) && lines[i]!.trim() === '----') {
      i++;
      while (!blank(i)) expected.push(lines[i++]!);
    }
    const base = { line: headerIndex + 1, sql, headerIndex, sqlEnd, end: i };
    if (header[0] === 'statement' && header[1] === 'ok' && header.length === 2) records.push({ ...base, kind: 'statement' });
    else if (header[0] === 'statement' && header[1] === 'error') records.push({ ...base, kind: 'statement', error: parseError(header.slice(2), where) });
    else if (header[0] === 'query' && header[1] === 'error') records.push({ ...base, kind: 'query-error', error: parseError(header.slice(2), where) });
    else if (header[0] === 'query' && header[1] && /^[IRBT]+$/.test(header[1]) && (header.length === 2 || (header.length === 3 && header[2] === 'rowsort')))
      records.push({ ...base, kind: 'query', types: header[1], rowsort: header[2] === 'rowsort', expected });
    else throw new Error(`${where}: cannot read the record header "${lines[headerIndex]}"`);
  }
  return records;
}

function parseError(words: string[], where: string): ExpectedError {
  let position: ExpectedError['position'];
  const m = /^(\d+):(\d+)$/.exec(words[0] ?? '');
  if (m) {
    position = { line: Number(m[1]), column: Number(m[2]) };
    words = words.slice(1);
  }
  const [code, ...rest] = words;
  if (!code) throw new Error(`${where}: an error record needs a code`);
  return { code, position, message: rest.length ? rest.join(' ') : undefined };
}

// ---- values --------------------------------------------------------------------------------------------

export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  return String(v); // number (String(-0) is '0'), boolean, bigint
}

function typeLetter(t: SqlType): string {
  switch (t.id) {
    case 'INT':
    case 'BIGINT':
      return 'I';
    case 'DOUBLE':
    case 'DECIMAL':
      return 'R';
    case 'BOOLEAN':
      return 'B';
    default:
      return 'T';
  }
}

interface Change {
  readonly op: string;
  readonly row: Record<string, unknown>;
}

function renderChange(c: Change): string {
  const values = Object.values(c.row).map(renderValue).join(' ');
  return c.op === '+I' ? values : `${c.op} ${values}`;
}

/** Undefined when equal, else a readable diff. */
export function compareRows(expected: readonly string[], actual: readonly string[], rowsort: boolean): string | undefined {
  const e = rowsort ? [...expected].sort() : [...expected];
  const a = rowsort ? [...actual].sort() : [...actual];
  if (e.length === a.length && e.every((x, i) => x === a[i])) return undefined;
  const out = [`expected ${e.length} rows, got ${a.length}${rowsort ? ' (both sorted)' : ''}`];
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    const x = e[i];
    const y = a[i];
    if (x === y) out.push(`    ${x}`);
    else {
      if (x !== undefined) out.push(`  - ${x}`);
      if (y !== undefined) out.push(`  + ${y}`);
    }
  }
  return out.join('\n');
}

// ---- the runner ----------------------------------------------------------------------------------------

/** A statement run so far, replayed by the restart run (with its source table made a memory table). */
interface Declared {
  readonly text: string;
  readonly table?: TableDef;
}

export function errorCode(e: unknown): string {
  if (e instanceof TidemarkError) return e.code;
  if (e instanceof OperatorError) return 'runtime';
  if (e instanceof InternalError) return 'internal';
  return 'unexpected';
}

const TIMEOUT_MS = 20_000;
const BATCH_ROWS = 3;

export class SltFile {
  readonly records: SltRecord[];
  readonly baseDir: string;
  private readonly lines: string[];
  private engine?: Engine;
  private readonly declared: Declared[] = [];
  private counter = 0;
  /** Rewrites for UPDATE_GOLDEN: line range [from, to) replaced by `lines`. */
  private readonly rewrites: { from: number; to: number; lines: string[] }[] = [];

  constructor(readonly path: string) {
    const text = readFileSync(path, 'utf8');
    this.lines = text.split('\n');
    this.records = parseSlt(text, path);
    this.baseDir = dirname(resolve(path));
  }

  async open(): Promise<void> {
    this.engine = await createEngine({ checkpointInterval: 0 });
  }

  async close(): Promise<void> {
    await this.engine?.close();
    if (process.env['UPDATE_GOLDEN'] && this.rewrites.length > 0) {
      const lines = [...this.lines];
      for (const r of [...this.rewrites].sort((a, b) => b.from - a.from)) lines.splice(r.from, r.to - r.from, ...r.lines);
      writeFileSync(this.path, lines.join('\n'));
    }
  }

  /** Throws an Error describing the mismatch when the record fails. */
  async run(record: SltRecord): Promise<void> {
    switch (record.kind) {
      case 'statement':
        return this.statement(record);
      case 'query':
        return this.query(record);
      case 'query-error':
        return this.queryError(record);
    }
  }

  private get eng(): Engine {
    if (!this.engine) throw new Error('SltFile.open() was not called');
    return this.engine;
  }

  /** DDL, SET and INSERT, planned with paths relative to the .slt file. */
  private async statement(record: SltRecord & { kind: 'statement' }): Promise<void> {
    try {
      await this.exec(this.eng, record.sql, true);
    } catch (e) {
      if (!record.error) throw e;
      this.checkError(record, record.error, e);
      return;
    }
    if (record.error) throw new Error(`expected error ${record.error.code}, but the statement succeeded`);
  }

  private async exec(engine: Engine, sql: string, remember: boolean): Promise<void> {
    for (const { parsed, planned } of engine.session.plan(sql, { baseDir: this.baseDir })) {
      if (planned.kind === 'select' || planned.kind === 'explain') throw new Error('use a query record for SELECT and EXPLAIN');
      if (planned.kind === 'insert') {
        const sink = fileTableSink(planned.query.sink!, planned.query.plan.schema);
        const running = engine.session.start(planned.name ?? `insert_${++this.counter}`, planned.query, sink);
        await new StreamingQuery(running, undefined, engine.session).done();
        continue;
      }
      if (remember) this.declared.push({ text: parsed.text, table: planned.kind === 'create-table' ? planned.table : undefined });
    }
  }

  private plan(engine: Engine, sql: string): PlannedQuery {
    const all = [...engine.session.plan(sql, { baseDir: this.baseDir })];
    const p = all[0]?.planned;
    if (all.length !== 1 || p?.kind !== 'select') throw new Error('a query record holds exactly one SELECT');
    return p.query;
  }

  private async query(record: SltRecord & { kind: 'query' }): Promise<void> {
    const isExplain = /^\s*EXPLAIN\b/i.test(record.sql);
    let actual: string[];
    let types: string;
    let stateful = false;
    let source: TableDef | undefined;
    const name = `slt_${++this.counter}`;
    if (isExplain) {
      actual = this.eng.explain(record.sql).split('\n');
      types = 'T';
    } else {
      const planned = this.plan(this.eng, record.sql);
      types = planned.plan.schema.fields.map((f) => typeLetter(f.type)).join('');
      stateful = isStateful(planned.plan);
      source = scanOf(planned.plan);
      const q = this.eng.query(record.sql, { name });
      actual = (await collect(q)).map(renderChange);
    }
    const problems: string[] = [];
    if (types !== record.types) problems.push(`column types: expected ${record.types}, got ${types}`);
    const diff = compareRows(record.expected, actual, record.rowsort);
    if (diff) problems.push(diff);
    if (problems.length > 0 && process.env['UPDATE_GOLDEN']) {
      const rows = record.rowsort ? [...actual].sort() : actual;
      this.rewrites.push({ from: record.headerIndex, to: record.headerIndex + 1, lines: [`query ${types}${record.rowsort ? ' rowsort' : ''}`] });
      this.rewrites.push({ from: record.sqlEnd, to: record.end, lines: ['----', ...rows] });
    }
    // A stateful query must give the same block when fed in small batches with a restart halfway.
    if (stateful && source && source.options['connector'] === 'file') {
      const restarted = (await this.runWithRestart(record.sql, source)).map(renderChange);
      const d = compareRows(record.expected, restarted, record.rowsort);
      if (d) problems.push(`fed in batches of ${BATCH_ROWS} with a checkpoint and restart halfway:\n${d}`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  private async queryError(record: SltRecord & { kind: 'query-error' }): Promise<void> {
    let rows: string[] | undefined;
    try {
      const q = this.eng.query(record.sql, { name: `slt_${++this.counter}` });
      // Rows of a memory table never end here: an accepted query over one is the answer already.
      if (scanOf(this.plan(this.eng, record.sql).plan).options['connector'] === 'memory') await q.stop();
      else rows = (await collect(q)).map(renderChange);
    } catch (e) {
      this.checkError(record, record.error, e);
      return;
    }
    if (!rows) throw new Error(`expected error ${record.error.code}, but the query was accepted`);
    throw new Error(`expected error ${record.error.code}, but the query succeeded with ${rows.length} rows:\n${rows.join('\n')}`);
  }

  private checkError(record: SltRecord, want: ExpectedError, e: unknown): void {
    const code = errorCode(e);
    const span = e instanceof TidemarkError ? e.span : undefined;
    const message = e instanceof Error ? e.message : String(e);
    const problems: string[] = [];
    if (code !== want.code) problems.push(`code: expected ${want.code}, got ${code}`);
    if (want.position && (!span || span.line !== want.position.line || span.column !== want.position.column))
      problems.push(`position: expected ${want.position.line}:${want.position.column}, got ${span ? `${span.line}:${span.column}` : 'none'}`);
    if (want.message && !message.includes(want.message)) problems.push(`message does not contain "${want.message}"`);
    if (problems.length === 0) return;
    if (process.env['UPDATE_GOLDEN'] && code !== 'unexpected' && code !== 'internal') {
      const head = record.kind === 'statement' ? 'statement error' : 'query error';
      const pos = want.position && span ? `${span.line}:${span.column} ` : '';
      this.rewrites.push({ from: record.headerIndex, to: record.headerIndex + 1, lines: [`${head} ${pos}${code}${want.message ? ` ${want.message}` : ''}`] });
    }
    throw new Error(`${problems.join('\n')}\n${message}`);
  }

  /**
   * Runs a query over `source`'s rows pushed into a memory table in batches of BATCH_ROWS, with a checkpoint,
   * close and reopen on the same state directory halfway; returns both runs' output, concatenated.
   */
  private async runWithRestart(sql: string, source: TableDef): Promise<Change[]> {
    const rows = readRows(source);
    const half = Math.ceil(rows.length / 2);
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-slt-'));
    const skip = source.options['format.on-error'] === 'skip';
    const out: Change[] = [];
    let accepted = 0;
    try {
      for (const [from, to] of [[0, half], [half, rows.length]] as const) {
        const last = to === rows.length;
        const engine = await createEngine({ stateDir: dir, checkpointInterval: 0 });
        try {
          for (const d of this.declared) await this.exec(engine, d.table?.name === source.name ? memoryDdl(d.text) : d.text, false);
          const q = engine.query(sql, { name: 'golden' });
          const src = engine.source(source.name);
          if (src.accepted !== accepted) throw new Error(`after the restart, source "${source.name}" reports ${src.accepted} rows accepted, expected ${accepted}`);
          for (let i = from; i < to; i += BATCH_ROWS) await push(src, rows.slice(i, Math.min(i + BATCH_ROWS, to)), skip);
          accepted = src.accepted;
          if (last) await src.end();
          await q.drain();
          if (!last) await engine.checkpoint();
          await engine.close();
          out.push(...(await collect(q)));
        } finally {
          await engine.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return out;
  }
}

/** Pushes rows; for a table that skips bad rows, a rejected batch is pushed again row by row without them. */
async function push(src: SourceHandle, rows: Record<string, unknown>[], skip: boolean): Promise<void> {
  try {
    await src.push(rows);
  } catch (e) {
    if (!skip || errorCode(e) !== 'bad-row') throw e;
    for (const row of rows) {
      try {
        await src.push([row]);
      } catch (e2) {
        if (errorCode(e2) !== 'bad-row') throw e2;
      }
    }
  }
}

async function collect(q: StreamingQuery): Promise<Change[]> {
  const out: Change[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the query did not finish within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    await Promise.race([
      (async () => {
        for await (const c of q) out.push(c);
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

function isStateful(plan: LogicalPlan): boolean {
  return plan.kind === 'window-aggregate' || plan.kind === 'aggregate' || (plan.kind !== 'scan' && isStateful(plan.input));
}

function scanOf(plan: LogicalPlan): TableDef {
  return plan.kind === 'scan' ? plan.table : scanOf(plan.input);
}

/** The CREATE TABLE with its WITH clause replaced by ('connector' = 'memory'). */
export function memoryDdl(text: string): string {
  const m = /\)\s*WITH\s*\(/gi;
  let at = -1;
  for (let r = m.exec(text); r; r = m.exec(text)) at = r.index + 1;
  if (at < 0) throw new Error(`cannot find the WITH clause in: ${text}`);
  return `${text.slice(0, at)} WITH ('connector' = 'memory')`;
}

// ---- reading a file table's rows, for pushing them ------------------------------------------------------

function readRows(table: TableDef): Record<string, unknown>[] {
  const path = resolve(table.baseDir, table.options['path']!);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (table.options['format'] === 'json') return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const delimiter = table.options['csv.delimiter'] ?? ',';
  const nullLiteral = table.options['csv.null-literal'];
  const fields = table.schema.fields;
  let names = fields.map((f) => f.name);
  const first = splitCsv(lines[0] ?? '', delimiter).map((f) => f.text.trim().toLowerCase());
  const header = table.options['csv.header'] === undefined ? sameNames(first, names) : table.options['csv.header'] === 'true';
  if (header) names = first;
  return lines.slice(header ? 1 : 0).map((line) => {
    const row: Record<string, unknown> = {};
    splitCsv(line, delimiter).forEach((f, i) => {
      const field = fields.find((x) => x.name.toLowerCase() === names[i]?.toLowerCase());
      if (!field) return;
      const isNull = f.quoted ? f.text === '' && field.type.id !== 'VARCHAR' : f.text === '' || f.text === nullLiteral;
      row[field.name] = isNull ? null : f.text;
    });
    return row;
  });
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const want = new Set(b.map((n) => n.toLowerCase()));
  return a.length === b.length && a.every((n) => want.has(n));
}

/** One CSV line's fields (RFC 4180 quoting, no quoted newlines). */
function splitCsv(line: string, delimiter: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unclosed quote in CSV line: ${line}`);
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push({ text, quoted: true });
    } else {
      const d = line.indexOf(delimiter, i);
      const stop = d < 0 ? line.length : d;
      out.push({ text: line.slice(i, stop), quoted: false });
      i = stop;
    }
    if (i >= line.length) return out;
    i += delimiter.length; // at a delimiter
  }
}
