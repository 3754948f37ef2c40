#!/usr/bin/env node
// The `tidemark` command: run a .sql file, check or explain it, or open the REPL.
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.ts';

const program = new Command('tidemark')
  .description('Streaming SQL with event-time windows and watermarks')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('run')
  .description('run every statement of a .sql file ("-" reads standard input) until its sources end')
  .argument('<file>', 'the .sql file, or - for standard input')
  .addOption(new Option('-f, --format <format>', 'output format (default: table on a terminal, else jsonl)').choices(['table', 'jsonl', 'csv']))
  .option('--state-dir <dir>', 'make the run durable and resumable in this directory')
  .option('--fresh', 'discard state of queries whose SQL changed, instead of refusing it')
  .option('--checkpoint-interval <duration>', 'periodic checkpoints with --state-dir (default 10s; 0 = only at the end)')
  .option('-q, --quiet', 'no summary on stderr')
  .action(async (file: string, opts) => {
    const { runScript } = await import('./run.ts');
    process.exitCode = await runScript(file, opts);
  });

program
  .command('check')
  .description('parse and plan a .sql file without running it')
  .argument('<file>')
  .action(async (file: string) => {
    const { checkScript } = await import('./check.ts');
    process.exitCode = await checkScript(file, false);
  });

program
  .command('explain')
  .description("print the plan of every query in a .sql file")
  .argument('<file>')
  .action(async (file: string) => {
    const { checkScript } = await import('./check.ts');
    process.exitCode = await checkScript(file, true);
  });

program
  .command('state')
  .description('show what a state directory holds: the last checkpoint, queries, positions and state tables')
  .argument('<dir>')
  .action(async (dir: string) => {
    const { showState } = await import('./state.ts');
    process.exitCode = await showState(dir);
  });

program.action(async () => {
  const { startRepl } = await import('./repl.ts');
  process.exitCode = await startRepl();
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw e;
}
