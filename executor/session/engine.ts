// The library API (SPEC §4): createEngine, exec, query, source, checkpoint, close.
import type * as A from 'apache-arrow';
import { TidemarkError } from '../../parser/errors.ts';
import type { PlannedQuery } from '../../planner/plan-statement.ts';
import type { OnStateMismatch } from '../../state/state-backend.ts';
import { fileTableSink } from '../sinks/file-table-sink.ts';
import { parseDuration } from './duration.ts';
import { QueryOutput } from './query-output.ts';
import { type CheckpointResult, Session } from './session.ts';
import { StreamingQuery } from './streaming-query.ts';

export interface EngineOptions {
  /** Directory for durable state; without it, state lives in memory. */
  readonly stateDir?: string;
  /** 'discard' starts a changed query over instead of refusing its old state (the CLI's --fresh). */
  readonly onStateMismatch?: OnStateMismatch;
  /** Periodic checkpoints with a stateDir: ms or '10s' (default 10 s; 0 = only explicit and at close). */
  readonly checkpointInterval?: number | string;
  /** Wall clock in ms (SPEC §2), for the processing-time features to come; nothing reads it yet. */
  readonly clock?: () => number;
}

export interface QueryOptions {
  /** Ties the query to its state in stateDir; default q1, q2, ... in start order. */
  readonly name?: string;
}

export interface SourceHandle {
  /** One row, an array of rows, or an Arrow RecordBatch/Table; resolves once processed. */
  push(rows: object | readonly object[] | A.RecordBatch | A.Table): Promise<void>;
  /** Bounded input: the watermark goes to +Infinity and every window fires. */
  end(): Promise<void>;
  /** Rows accepted so far, including those before the checkpoint this engine resumed from. */
  readonly accepted: number;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const interval = options.checkpointInterval === undefined ? undefined : parseDuration(options.checkpointInterval);
  const session = await Session.open({ ...options, checkpointInterval: interval });
  return new Engine(session);
}

export class Engine {
  private counter = 0;

  constructor(readonly session: Session) {}

  /**
   * Runs DDL, SET and INSERT INTO ... SELECT statements. INSERT jobs start and keep running; they are
   * returned so a caller can await `job.done()` (which rejects if the job fails).
   */
  async exec(sql: string): Promise<StreamingQuery[]> {
    const jobs: StreamingQuery[] = [];
    for (const { planned } of this.session.plan(sql)) {
      if (planned.kind === 'select')
        throw new TidemarkError({ code: 'use-query', message: 'exec() does not return rows; run a SELECT with engine.query(sql)' });
      if (planned.kind === 'insert') jobs.push(this.startInsert(planned.query, planned.name));
    }
    return jobs;
  }

  /** The plan of a query, as EXPLAIN prints it. */
  explain(sql: string): string {
    const out: string[] = [];
    for (const { planned } of this.session.plan(sql.trim().toUpperCase().startsWith('EXPLAIN') ? sql : `EXPLAIN ${sql}`)) {
      if (planned.kind === 'explain') out.push(planned.text);
    }
    return out.join('\n\n');
  }

  /** Starts a continuous SELECT now; a SQL error throws TidemarkError from this call. */
  query(sql: string, options: QueryOptions = {}): StreamingQuery {
    const planned = [...this.session.plan(sql)];
    const selects = planned.filter((p) => p.planned.kind === 'select');
    if (selects.length !== 1 || planned.length !== 1)
      throw new TidemarkError({ code: 'not-a-query', message: 'query() takes exactly one SELECT statement', hint: 'run DDL and INSERT with engine.exec(sql)' });
    const p = selects[0]!.planned as { kind: 'select'; query: PlannedQuery };
    const name = options.name ?? this.nextName();
    const output = new QueryOutput(p.query.plan.schema);
    output.epoch = this.session.currentEpoch;
    const running = this.session.start(name, p.query, output);
    return new StreamingQuery(running, output, this.session);
  }

  private startInsert(query: PlannedQuery, name?: string): StreamingQuery {
    const sink = fileTableSink(query.sink!, query.plan.schema);
    const running = this.session.start(name ?? this.nextName(), query, sink);
    return new StreamingQuery(running, undefined, this.session);
  }

  private nextName(): string {
    let name: string;
    do name = `q${++this.counter}`;
    while (this.session.running().some((q) => q.name === name));
    return name;
  }

  source(name: string): SourceHandle {
    const mem = this.session.memoryTable(name);
    return {
      push: (rows) => mem.push(rows),
      end: () => mem.end(),
      get accepted() {
        return mem.accepted;
      },
    };
  }

  checkpoint(): Promise<CheckpointResult> {
    return this.session.checkpoint();
  }

  close(): Promise<void> {
    return this.session.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
