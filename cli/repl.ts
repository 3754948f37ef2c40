// `tidemark` alone: an interactive prompt; statements end with ';', SELECTs stream their changes until their sources end.
import { homedir } from 'node:os';
import { join } from 'node:path';
import repl from 'node:repl';
import { typeToString } from '../planner/types.ts';
import { Session } from '../executor/session/session.ts';
import { fileTableSink } from '../executor/sinks/file-table-sink.ts';
import { EXIT, report } from './exit-codes.ts';
import { Stdout, stdoutSink } from './output.ts';

export async function startRepl(): Promise<number> {
  const session = await Session.open();
  const stdout = new Stdout();
  let counter = 0;
  process.stderr.write('tidemark: streaming SQL. End statements with ";". .help lists commands, .exit leaves.\n');

  const server = repl.start({
    prompt: 'tidemark> ',
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
    ignoreUndefined: true,
    eval: (input, _context, _file, callback) => {
      const text = input.trim();
      if (text === '') return callback(null, undefined);
      if (!text.endsWith(';')) return callback(new repl.Recoverable(new Error('statement continues')), undefined);
      void (async () => {
        try {
          for (const { planned } of session.plan(text)) {
            if (planned.kind === 'explain') stdout.write(`${planned.text}\n`);
            else if (planned.kind === 'create-table') stdout.write(`created table ${planned.table.name}\n`);
            else if (planned.kind === 'set') stdout.write(`set ${planned.key} = ${planned.value}\n`);
            else {
              const name = planned.name ?? `q${++counter}`;
              const q = planned.query;
              const sink = planned.kind === 'insert' ? fileTableSink(q.sink!, q.plan.schema) : stdoutSink(process.stdout.isTTY ? 'table' : 'jsonl', q.plan.schema, stdout, undefined);
              const running = session.start(name, q, sink);
              await running.done;
              if (running.status === 'failed') report(running.error);
            }
          }
        } catch (e) {
          report(e);
        }
        callback(null, undefined);
      })();
    },
  });
  server.setupHistory(join(homedir(), '.tidemark_history'), () => {});
  server.defineCommand('tables', {
    help: 'List declared tables',
    action() {
      for (const name of session.catalog.names()) stdout.write(`${name}\n`);
      this.displayPrompt();
    },
  });
  server.defineCommand('schema', {
    help: 'Show the columns of a table: .schema NAME',
    action(name: string) {
      const t = session.catalog.get(name.trim());
      if (!t) stdout.write(`no table named "${name.trim()}"\n`);
      else for (const f of t.schema.fields) stdout.write(`${f.name} ${typeToString(f.type)}${f.nullable ? '' : ' NOT NULL'}${t.watermark?.column === f.name ? ` (event time, watermark ${t.watermark.text})` : ''}\n`);
      this.displayPrompt();
    },
  });
  await new Promise<void>((resolve) => server.on('exit', resolve));
  await session.close();
  return EXIT.ok;
}
