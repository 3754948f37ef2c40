// Exit codes (SPEC §5) and how an error is shown on stderr: rendered diagnostics, never a stack trace.
import { TidemarkError } from '../parser/errors.ts';
import { OperatorError } from '../executor/operator.ts';

export const EXIT = { ok: 0, runtime: 1, usage: 2, sql: 3, state: 4, sigint: 130, sigterm: 143 } as const;

const STATE_CODES = new Set(['state-locked', 'state-corrupt', 'state-layout', 'state-mismatch', 'state-refused']);

/**
 * `phase`: mistakes found while parsing and planning are SQL errors (3); once queries run, failures
 * (bad rows, unreadable files, failing CASTs) are runtime errors (1). State directories refused: 4.
 */
export function exitCodeOf(e: unknown, phase: 'plan' | 'run'): number {
  if (e instanceof TidemarkError && STATE_CODES.has(e.code)) return EXIT.state;
  if (e instanceof TidemarkError && e.code === 'bad-setting') return EXIT.usage;
  return e instanceof TidemarkError && phase === 'plan' ? EXIT.sql : EXIT.runtime;
}

/** Prints the error for a person and returns the exit code. Stack traces only with TIDEMARK_DEBUG=1. */
export function report(e: unknown, phase: 'plan' | 'run' = 'plan'): number {
  const debug = process.env['TIDEMARK_DEBUG'] === '1';
  if (e instanceof TidemarkError) process.stderr.write(`${e.message}\n`);
  else if (e instanceof OperatorError) process.stderr.write(`error[runtime]: ${e.message}\n`);
  else if (e instanceof Error) process.stderr.write(`error[runtime]: ${e.message}\n${debug ? `${e.stack}\n` : ''}`);
  else process.stderr.write(`error[runtime]: ${String(e)}\n`);
  return exitCodeOf(e, phase);
}
