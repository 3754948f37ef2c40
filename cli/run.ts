// `tidemark run FILE.sql`: plans the whole script, then runs every query until its sources end (SPEC §5).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TidemarkError } from '../parser/errors.ts';
import type { PlannedQuery } from '../planner/plan-statement.ts';
import type { ChangeFormat } from '../executor/sinks/format.ts';
import { fileTableSink } from '../executor/sinks/file-table-sink.ts';
import type { RunningQuery } from '../executor/session/running-query.ts';
import { Session } from '../executor/session/session.ts';
import { parseDuration } from '../executor/session/duration.ts';
import { EXIT, report } from './exit-codes.ts';
import { OrderedOutput, Stdout, stdoutSink } from './output.ts';

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
  let checkpointInterval: number | undefined;
  try {
    sql = readFileSync(file === '-' ? 0 : file, 'utf8');
    checkpointInterval = opts.checkpointInterval !== undefined ? parseDuration(opts.checkpointInterval) : undefined;
  } catch (e) {
    if (e instanceof TidemarkError) process.stderr.write(`tidemark: --checkpoint-interval: ${e.summary}\n`);
    else process.stderr.write(`tidemark: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT.usage;
  }
  let session: Session;
  try {
    session = await Session.open({ stateDir: opts.stateDir, onStateMismatch: opts.fresh ? 'discard' : 'error', checkpointInterval });
  } catch (e) {
    return report(e);
  }
  const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'jsonl');
  // A reader that goes away (`| head`) ends the run quietly, like any other graceful stop.
  const stdout = new Stdout(process.stdout, () => void session.close().catch(() => undefined));
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
    let toRun: QueryToRun[];
    try {
      toRun = planScript(session, sql, file, stdout);
    } catch (e) {
      await session.close().catch(() => undefined);
      return report(e, 'plan');
    }
    const selects = toRun.filter((q) => !q.insert);
    // jsonl lines carry their query's name and may interleave; tables and CSV print one query after another.
    const ordered = new OrderedOutput(stdout, selects.length, format === 'jsonl');
    const running: RunningQuery[] = toRun.map((q) => {
      const channel = selects.indexOf(q);
      const sink = q.insert
        ? fileTableSink(q.query.sink!, q.query.plan.schema)
        : stdoutSink(format, q.query.plan.schema, ordered.channel(channel), selects.length > 1 ? q.name : undefined);
      return session.start(q.name, q.query, sink);
    });
    await Promise.all(running.map((q) => q.done));
    const failed = running.find((q) => q.status === 'failed');
    await session.close();
    ordered.finish();
    await stdout.flushed();
    if (!opts.quiet) for (const q of running) process.stderr.write(summary(q));
    if (failed) return report(failed.error, 'run');
    return interrupted ?? EXIT.ok;
  } catch (e) {
    await session.close().catch(() => undefined);
    return report(e, 'run');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Plans every statement first, so a mistake anywhere in the file runs nothing. */
function planScript(session: Session, sql: string, file: string, stdout: Stdout): QueryToRun[] {
  const toRun: QueryToRun[] = [];
  const explains: string[] = [];
  const source = file === '-' ? { baseDir: process.cwd() } : { file, baseDir: dirname(resolve(file)) };
  for (const { parsed, planned } of session.plan(sql, source)) {
    if (planned.kind === 'select' || planned.kind === 'insert') {
      const table = sourceTable(planned.query);
      if (table.options['connector'] === 'memory')
        throw new TidemarkError(
          {
            code: 'memory-source-in-cli',
            message: `table "${table.name}" uses connector 'memory', whose rows come from a program (engine.source('${table.name}').push(...))`,
            span: parsed.span,
            hint: "in a .sql file, read a file: WITH ('connector' = 'file', 'path' = '...', 'format' = 'json')",
          },
          { text: sql, file: source.file },
        );
      toRun.push({ name: planned.name ?? `q${toRun.length + 1}`, query: planned.query, insert: planned.kind === 'insert' });
    } else if (planned.kind === 'explain') explains.push(planned.text);
  }
  for (const text of explains) stdout.write(`${text}\n`);
  return toRun;
}

function sourceTable(q: PlannedQuery) {
  let p = q.plan;
  while (p.kind !== 'scan') p = p.input;
  return p.table;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(q: RunningQuery): string {
  const late = q.stats().filter((s) => s.lateRowsDropped > 0);
  const parts = [late.length ? late.map((s) => `${plural(s.lateRowsDropped, 'late row')} dropped by ${s.id}`).join(', ') : '0 late rows dropped'];
  const dl = q.pipeline.source.table.deadLetter;
  if (q.rowsSkipped > 0)
    parts.push(dl ? `${plural(q.rowsSkipped, 'malformed row')} written to ${dl.name}` : `${plural(q.rowsSkipped, 'malformed row')} skipped ('format.on-error' = 'skip')`);
  return `tidemark: ${q.name} ${q.status}: ${parts.join(', ')}\n`;
}
