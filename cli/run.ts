// `tidemark run FILE.sql`: plans the whole script, then runs every query until its sources end (SPEC §5).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TidemarkError } from '../parser/errors.ts';
import type { PlannedQuery } from '../planner/plan-statement.ts';
import { type ChangeFormat } from '../executor/sinks/format.ts';
import { fileTableSink } from '../executor/sinks/file-table-sink.ts';
import type { RunningQuery } from '../executor/session/running-query.ts';
import { Session } from '../executor/session/session.ts';
import { parseDuration } from '../executor/session/duration.ts';
import { EXIT, exitCodeOf, report } from './exit-codes.ts';
import { Stdout, stdoutSink } from './output.ts';

export interface RunOptions {
  readonly format?: ChangeFormat;
  readonly stateDir?: string;
  readonly fresh?: boolean;
  readonly checkpointInterval?: string;
  readonly quiet?: boolean;
}

interface QueryToRun {
  readonly name: string;
  readonly query: PlannedQuery;
  readonly insert: boolean;
}

export async function runScript(file: string, opts: RunOptions): Promise<number> {
  let sql: string;
  try {
    sql = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`tidemark: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT.usage;
  }
  let session: Session;
  try {
    session = await Session.open({
      stateDir: opts.stateDir,
      onStateMismatch: opts.fresh ? 'discard' : 'error',
      checkpointInterval: opts.checkpointInterval !== undefined ? parseDuration(opts.checkpointInterval) : undefined,
    });
  } catch (e) {
    return report(e);
  }
  const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
  const stdout = new Stdout();
  let interrupted: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted !== undefined) process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm); // a second signal aborts
    interrupted = signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
    process.stderr.write(`\ntidemark: stopping (${signal}), writing a final checkpoint...\n`);
    void session.close().catch(() => undefined); // checkpoints running queries, then stops them
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Plan everything first: a mistake anywhere in the file runs nothing.
    const toRun: QueryToRun[] = [];
    const explains: string[] = [];
    let counter = 0;
    const source = { file: file === '-' ? undefined : file, baseDir: file === '-' ? process.cwd() : dirname(resolve(file)) };
    for (const { planned } of session.plan(sql, source)) {
      if (planned.kind === 'select' || planned.kind === 'insert') {
        counter++;
        const table = sourceTable(planned.query);
        if (table.options['connector'] === 'memory')
          throw new TidemarkError({
            code: 'memory-source-in-cli',
            message: `table "${table.name}" uses connector 'memory', whose rows come from a program (engine.source('${table.name}').push(...))`,
            hint: "in a .sql file, read a file: WITH ('connector' = 'file', 'path' = '...', 'format' = 'json')",
          });
        toRun.push({ name: planned.name ?? `q${counter}`, query: planned.query, insert: planned.kind === 'insert' });
      } else if (planned.kind === 'explain') explains.push(planned.text);
    }
    for (const text of explains) stdout.write(`${text}\n`);
    const selects = toRun.filter((q) => !q.insert).length;
    const running: RunningQuery[] = toRun.map((q) =>
      session.start(
        q.name,
        q.query,
        q.insert ? fileTableSink(q.query.sink!, q.query.plan.schema) : stdoutSink(format, q.query.plan.schema, stdout, selects > 1 ? q.name : undefined),
      ),
    );
    await Promise.all(running.map((q) => q.done));
    const failed = running.find((q) => q.status === 'failed');
    await session.close();
    await stdout.flushed();
    if (!opts.quiet) for (const q of running) summarize(q);
    if (failed) return report(failed.error);
    return interrupted ?? EXIT.ok;
  } catch (e) {
    await session.close().catch(() => undefined);
    return report(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function sourceTable(q: PlannedQuery) {
  let p = q.plan;
  while (p.kind !== 'scan') p = p.input;
  return p.table;
}

function summarize(q: RunningQuery): void {
  const late = q.stats().filter((s) => s.lateRowsDropped > 0);
  const lateText = late.length ? late.map((s) => `${s.lateRowsDropped} late rows dropped by ${s.id}`).join(', ') : '0 late rows dropped';
  process.stderr.write(`tidemark: ${q.name} ${q.status}: ${lateText}\n`);
}

export { exitCodeOf };
