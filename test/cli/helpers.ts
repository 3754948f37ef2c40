// Runs the built `tidemark` CLI as a real child process, rebuilding dist/ first when a source file is newer.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
export const EXAMPLES = path.join(ROOT, 'sql-examples');

/** The folders `npm run build` compiles; a .ts file in them newer than the built CLI means dist/ is stale. */
const SOURCE_DIRS = ['parser', 'planner', 'executor', 'state', 'cli'];
/** Test files build in parallel workers; one builds while the others wait on this lock (outside the repo). */
const LOCK = path.join(os.tmpdir(), `tidemark-cli-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
/** How long a build (or waiting for another file's build) may take; hooks calling `ensureBuilt` allow this much. */
export const BUILD_TIMEOUT_MS = 180_000;

export interface CliResult {
  /** Exit code, or null when the process died of a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to standard input, which is then closed (closed at once when absent). */
  readonly input?: string;
  readonly cwd?: string;
  /** Added to (and overriding) the test process's environment. */
  readonly env?: Record<string, string | undefined>;
  /** The child is killed with SIGKILL after this long and the promise rejects (default 30 s). */
  readonly timeoutMs?: number;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Settles when the process has exited and its output was read. */
  readonly result: Promise<CliResult>;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
}

/** Newest modification time (ms) of the .ts files `npm run build` compiles. */
function newestSourceMtime(): number {
  let newest = fs.statSync(path.join(ROOT, 'index.ts')).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(ROOT, d));
  return newest;
}

function builtMtime(): number | undefined {
  try {
    return fs.statSync(CLI).mtimeMs;
  } catch {
    return undefined;
  }
}

function isFresh(): boolean {
  const built = builtMtime();
  return built !== undefined && built >= newestSourceMtime();
}

/** Takes the build lock, or returns false when another live process holds it. Clears a dead holder's lock. */
function tryLock(): boolean {
  try {
    fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = NaN;
  try {
    holder = Number(fs.readFileSync(LOCK, 'utf8'));
  } catch {
    return false; // released meanwhile; the caller tries again
  }
  let alive = false;
  try {
    if (Number.isInteger(holder) && holder > 0) {
      process.kill(holder, 0);
      alive = true;
    }
  } catch {
    alive = false;
  }
  if (!alive) fs.rmSync(LOCK, { force: true });
  return false;
}

let ensured: Promise<void> | undefined;

/**
 * Makes sure dist/cli/main.js is built from the current sources: runs `npm run build` when it is missing or
 * older than any .ts file of the build, one test file at a time. Call it in `beforeAll`.
 */
export function ensureBuilt(): Promise<void> {
  ensured ??= buildIfStale();
  return ensured;
}

async function buildIfStale(): Promise<void> {
  if (isFresh()) return;
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${LOCK}`);
    await sleep(250);
  }
  try {
    if (isFresh()) return; // another test file built it while we waited
    const started = Date.now();
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
    const built = builtMtime();
    if (r.status !== 0) {
      // tsc still emits JavaScript when other people's work in progress has type errors; use it if it was written.
      if (built === undefined || built < started - 1000)
        throw new Error(`npm run build failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
      process.stderr.write(`test/cli: npm run build reported errors; using the JavaScript it emitted\n${r.stdout}\n`);
    }
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

/** Starts `node dist/cli/main.js ...args`; stdout and stderr are pipes (so never a terminal). */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const env: Record<string, string | undefined> = { ...process.env, TIDEMARK_DEBUG: undefined, NO_COLOR: '1', ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => {}); // the CLI may exit before reading its input
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tidemark ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, result, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the CLI to completion. Standard input is closed at once unless `input` is given. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const p = startCli(args, options);
  if (options.input === undefined) p.child.stdin!.end();
  return p.result;
}

/** A fresh directory under the OS temp dir; removed by `removeTempDirs`. */
const temps: string[] = [];
export function tempDir(prefix = 'cli'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tidemark-${prefix}-`));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes `files` (name → content) into `dir`, creating subdirectories. Returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

/** The JSON lines of `text`, parsed (blank lines ignored). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line ${i + 1} is not JSON: ${l}`);
      }
    });
}

/** The lines of `text`, sorted: for comparing rows whose order within one window firing is not specified. */
export function sortedLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '').sort();
}

/**
 * How two lists of lines differ as multisets: lines of `want` that `got` lacks (or has fewer times) and
 * lines `got` has beyond `want`, with a few examples of each. Cheap to print, unlike a diff of 100k lines.
 */
export function lineDiff(want: readonly string[], got: readonly string[]): { missing: number; extra: number; examples: string[] } {
  const counts = new Map<string, number>();
  for (const l of want) counts.set(l, (counts.get(l) ?? 0) + 1);
  for (const l of got) counts.set(l, (counts.get(l) ?? 0) - 1);
  let missing = 0;
  let extra = 0;
  const examples: string[] = [];
  for (const [line, n] of counts) {
    if (n > 0) missing += n;
    if (n < 0) extra -= n;
    if (n !== 0 && examples.length < 4) examples.push(`${n > 0 ? 'missing' : 'extra'} ${Math.abs(n)}x ${line}`);
  }
  return { missing, extra, examples };
}

/** A stack frame line such as `    at foo (file.js:1:2)`: never shown to a user (SPEC §7). */
export const STACK_FRAME = /^\s*at .*(\.[cm]?[jt]s:\d+|node:internal|<anonymous>)/m;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves once `check()` is true, polling every `everyMs`; rejects after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Resolves once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}
