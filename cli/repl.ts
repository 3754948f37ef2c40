// `tidemark` alone: an interactive prompt; statements end with ';', SELECTs stream their changes until their sources end.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { typeToString } from '../planner/types.ts';
import { Session } from '../executor/session/session.ts';
import type { RunningQuery } from '../executor/session/running-query.ts';
import { fileTableSink } from '../executor/sinks/file-table-sink.ts';
import { EXIT, report } from './exit-codes.ts';
import { Stdout, stdoutSink } from './output.ts';

/** A channel straight to stdout: the REPL runs one query at a time. */
const direct = (stdout: Stdout) => ({ write: (text: string) => stdout.write(text), end: () => {} });

const HISTORY = join(homedir(), '.tidemark_history');
const HELP = `Statements end with ";" and may span lines. SELECTs print their changes until their sources end;
Ctrl-C stops the running query (a second Ctrl-C, or Ctrl-D, leaves).
  .tables          list declared tables
  .schema NAME     show a table's columns, event time and watermark
  .help            this text
  .exit            leave
`;

export async function startRepl(): Promise<number> {
  const session = await Session.open();
  const stdout = new Stdout();
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive, history: interactive ? loadHistory() : [] });
  let counter = 0;
  let running: RunningQuery | undefined;
  let buffer = '';
  const prompt = () => {
    if (interactive) rl.setPrompt(buffer ? '      -> ' : 'tidemark> '), rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (running) void running.stop();
    else if (buffer) (buffer = ''), process.stdout.write('\n'), prompt();
    else rl.close();
  });
  if (interactive) process.stderr.write('tidemark: streaming SQL. End statements with ";". .help lists commands.\n');
  prompt();

  const execute = async (text: string): Promise<void> => {
    try {
      for (const { planned } of session.plan(text)) {
        // Results go to stdout; acknowledgements are not results (SPEC §5), so they go to stderr.
        if (planned.kind === 'explain') stdout.write(`${planned.text}\n`);
        else if (planned.kind === 'create-table') process.stderr.write(`created table ${planned.table.name}\n`);
        else if (planned.kind === 'set') process.stderr.write(`set ${planned.key} = ${planned.value}\n`);
        else {
          const q = planned.query;
          const format = process.stdout.isTTY ? 'table' : 'jsonl';
          const sink = planned.kind === 'insert' ? fileTableSink(q.sink!, q.plan.schema) : stdoutSink(format, q.plan.schema, direct(stdout), undefined);
          running = session.start(planned.name ?? `q${++counter}`, q, sink);
          await running.done;
          if (running.status === 'failed') report(running.error, 'run');
          running = undefined;
        }
      }
    } catch (e) {
      report(e);
    }
  };

  // One line at a time, each statement finished before the next line is read.
  for await (const line of rl) {
    const trimmed = line.trim();
    if (!buffer && trimmed.startsWith('.')) {
      const [cmd, ...rest] = trimmed.split(/\s+/);
      if (cmd === '.exit' || cmd === '.quit') break;
      dotCommand(cmd!, rest.join(' '), session, stdout);
    } else if (trimmed !== '' || buffer) {
      buffer += (buffer ? '\n' : '') + line;
      if (trimmed.endsWith(';')) {
        const text = buffer;
        buffer = '';
        if (interactive) saveHistory(text);
        await execute(text);
      }
    }
    prompt();
  }
  rl.close();
  if (buffer.trim()) await execute(buffer); // input ended inside a statement: run what was given
  await session.close();
  await stdout.flushed();
  return EXIT.ok;
}

function dotCommand(cmd: string, arg: string, session: Session, stdout: Stdout): void {
  if (cmd === '.help') stdout.write(HELP);
  else if (cmd === '.tables') for (const name of session.catalog.names()) stdout.write(`${name}\n`);
  else if (cmd === '.schema') {
    const t = session.catalog.get(arg);
    if (!t) process.stderr.write(`no table named "${arg}"\n`);
    else
      for (const f of t.schema.fields)
        stdout.write(`${f.name} ${typeToString(f.type)}${f.nullable ? '' : ' NOT NULL'}${t.watermark?.column === f.name ? ` (event time, watermark ${t.watermark.text})` : ''}\n`);
  } else process.stderr.write(`unknown command ${cmd}; .help lists them\n`);
}

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500);
  } catch {
    return [];
  }
}

function saveHistory(statement: string): void {
  try {
    appendFileSync(HISTORY, statement.replace(/\s*\n\s*/g, ' ') + '\n');
  } catch {
    // History is a convenience; a read-only home directory must not stop the session.
  }
}
