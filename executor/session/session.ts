// The one Session the CLI and the library share: catalog, settings, durable state, running queries, checkpoints.
import { dirname, resolve } from 'node:path';
import { type ParsedStatement } from '../../parser/ast.ts';
import { TidemarkError } from '../../parser/errors.ts';
import { parseStatements } from '../../parser/parse.ts';
import { Catalog } from '../../planner/catalog.ts';
import { type PlannedQuery, type PlannedStatement, planStatement } from '../../planner/plan-statement.ts';
import type { CheckpointInfo, OnStateMismatch, StateBackend } from '../../state/state-backend.ts';
import { MemoryTable } from '../sources/memory-table.ts';
import type { Sink } from '../sinks/sink.ts';
import { parseDuration } from './duration.ts';
import { RunningQuery, assertName } from './running-query.ts';
import { Serial } from '../serial.ts';

export interface SessionOptions {
  /** Makes state durable and resumable; without it state lives in memory. */
  readonly stateDir?: string;
  readonly onStateMismatch?: OnStateMismatch;
  /** Periodic checkpoint interval in ms (default 10 s; 0 disables); SET 'execution.checkpointing.interval' overrides. */
  readonly checkpointInterval?: number;
  /** Wall clock (ms), for processing time and idle timeouts once they exist; unused so far. */
  readonly clock?: () => number;
}

export interface CheckpointResult {
  readonly epoch: number;
  /** Rows each memory source had accepted. */
  readonly sources: Record<string, number>;
}

/** Where statements come from, so errors can quote them and paths resolve against the .sql file. */
export interface ScriptSource {
  readonly file?: string;
  readonly baseDir?: string;
}

export class Session {
  readonly catalog = new Catalog();
  readonly settings = new Map<string, string>();
  readonly serial = new Serial();
  private readonly memoryTables = new Map<string, MemoryTable>();
  private readonly queries = new Map<string, RunningQuery>();
  private epoch = 1;
  private timer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  private constructor(
    readonly options: SessionOptions,
    private readonly backend: StateBackend | undefined,
    private readonly restored: CheckpointInfo | undefined,
  ) {
    if (restored) this.epoch = restored.epoch + 1;
  }

  static async open(options: SessionOptions = {}): Promise<Session> {
    // DuckDB loads only when state is durable: runs without a state directory start faster.
    const backend = options.stateDir ? await (await import('../../state/duckdb-backend.ts')).openDuckDBBackend(resolve(options.stateDir)) : undefined;
    let restored: CheckpointInfo | undefined;
    try {
      restored = await backend?.restore();
    } catch (e) {
      await backend?.close();
      throw e;
    }
    const session = new Session(options, backend, restored);
    session.schedule();
    return session;
  }

  /** The epoch output produced now belongs to: the number of the next checkpoint. */
  get currentEpoch(): number {
    return this.epoch;
  }

  get durable(): boolean {
    return this.backend !== undefined;
  }

  /** Parses and plans a script's statements one by one (tables declared earlier are visible to later ones). */
  *plan(sql: string, source: ScriptSource = {}): Generator<{ parsed: ParsedStatement; planned: PlannedStatement }> {
    const statements = parseStatements(sql, source.file);
    const baseDir = source.baseDir ?? (source.file ? dirname(resolve(source.file)) : process.cwd());
    for (const parsed of statements) {
      const planned = planStatement(parsed, { catalog: this.catalog, file: source.file, source: sql, baseDir });
      this.apply(planned);
      yield { parsed, planned };
    }
  }

  /** Applies DDL and SET; queries are left to the caller. */
  private apply(planned: PlannedStatement): void {
    if (planned.kind === 'create-table') {
      if (this.catalog.has(planned.table.name) && planned.ifNotExists) return;
      this.catalog.add(planned.table);
      if (planned.table.options['connector'] === 'memory') {
        const mem = new MemoryTable(planned.table, this.serial);
        mem.accepted = this.restored?.accepted[planned.table.name] ?? 0;
        this.memoryTables.set(planned.table.name.toLowerCase(), mem);
      }
    } else if (planned.kind === 'set') {
      this.settings.set(planned.key, planned.value);
      if (planned.key === 'execution.checkpointing.interval') this.schedule();
    }
  }

  memoryTable(name: string): MemoryTable {
    const mem = this.memoryTables.get(name.toLowerCase());
    if (mem) return mem;
    const table = this.catalog.get(name);
    throw new TidemarkError(
      table
        ? { code: 'not-a-memory-table', message: `table "${table.name}" uses connector '${table.options['connector']}'; only 'memory' tables take pushed rows` }
        : { code: 'unknown-table', message: `table "${name}" does not exist`, hint: "declare it with CREATE TABLE ... WITH ('connector' = 'memory')" },
    );
  }

  /** Starts a planned query under `name`: restores its state first, then feeds its source. */
  start(name: string, planned: PlannedQuery, sink: Sink): RunningQuery {
    if (this.closing) throw new TidemarkError({ code: 'engine-closed', message: 'the engine is closed' });
    assertName(name);
    const existing = this.queries.get(name);
    if (existing && (existing.status === 'running' || existing.status === 'starting'))
      throw new TidemarkError({ code: 'duplicate-query', message: `a query named "${name}" is already running`, hint: 'give the query another name' });
    const q = new RunningQuery(name, planned, sink);
    this.queries.set(name, q);
    const table = q.pipeline.source.table;
    const memoryTable = table.options['connector'] === 'memory' ? this.memoryTable(table.name) : undefined;
    void this.serial
      .run(async () => {
        const resuming = this.backend ? await this.backend.registerQuery(name, planned.fingerprint(), this.options.onStateMismatch ?? 'error') : false;
        const restored = resuming ? this.restored?.positions.find((p) => p.query === name && p.source === table.name) : undefined;
        const marker = (sinkName: string) => (resuming ? this.restored?.sinks.find((s) => s.query === name && s.sink === sinkName)?.marker : undefined);
        await sink.resume?.(marker(planned.sink?.name ?? 'output'));
        const dl = table.deadLetter;
        if (dl) await q.deadLetter!.resume!(marker(dl.name));
        await q.start({ serial: this.serial, ctx: { state: this.backend, restoring: resuming }, restored, memoryTable });
      })
      .catch((e) => q.fail(e));
    return q;
  }

  /** Makes everything processed so far durable in one transaction (SPEC §6); without a state directory, only advances the epoch. */
  checkpoint(): Promise<CheckpointResult> {
    return this.serial.run(() => this.checkpointNow());
  }

  private async checkpointNow(): Promise<CheckpointResult> {
    const live = [...this.queries.values()].filter((q) => q.status === 'running' || q.status === 'finished');
    const positions = [];
    const sinks = [];
    for (const q of live) {
      if (this.backend) await q.pipeline.checkpoint({ state: this.backend, restoring: false });
      const marker = await q.sink.flush();
      positions.push(q.sourcePosition());
      if (marker !== undefined) sinks.push({ query: q.name, sink: q.planned.sink?.name ?? 'output', marker });
      const dlMarker = await q.deadLetter?.flush();
      if (dlMarker !== undefined) sinks.push({ query: q.name, sink: q.pipeline.source.table.deadLetter!.name, marker: dlMarker });
    }
    const accepted: Record<string, number> = {};
    for (const m of this.memoryTables.values()) accepted[m.table.name] = m.accepted;
    const epoch = this.epoch;
    if (this.backend) await this.backend.commit({ epoch, positions, sinks, accepted });
    this.epoch++;
    for (const q of live) (q.sink as { epoch?: number }).epoch = this.epoch;
    // A finished query's final state is now committed; it needs no more checkpoints.
    for (const q of live) if (q.status === 'finished') this.queries.delete(q.name);
    return { epoch, sources: accepted };
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.backend) return;
    const setting = this.settings.get('execution.checkpointing.interval');
    const interval = setting !== undefined ? parseDuration(setting) : (this.options.checkpointInterval ?? 10_000);
    if (interval > 0) {
      this.timer = setInterval(() => void this.checkpoint().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  running(): RunningQuery[] {
    return [...this.queries.values()];
  }

  /** Graceful stop: a final checkpoint, then queries stop without end of input and state is closed. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      if (this.backend) await this.checkpoint();
    } finally {
      for (const q of this.queries.values()) await q.stop();
      await this.serial.idle();
      await this.backend?.close();
    }
  }
}
