// Every sql-examples/ file runs through the CLI; 01 and 02 give exactly the rows SPEC §2 says they give.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, EXAMPLES, STACK_FRAME, ensureBuilt, jsonLines, removeTempDirs, runCli, sortedLines, tempDir } from './helpers.ts';

const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.sql')).sort();

/** A copy of sql-examples/, so an example that writes a file sink writes it here, not into the repo. */
let work: string;
/** Another directory to run from: paths in WITH options must resolve against the .sql file, not the cwd. */
let elsewhere: string;

beforeAll(async () => {
  await ensureBuilt();
  work = tempDir('examples');
  fs.cpSync(EXAMPLES, work, { recursive: true });
  elsewhere = tempDir('cwd');
}, BUILD_TIMEOUT_MS);
afterAll(removeTempDirs);

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const p = path.join(entry.parentPath, entry.name);
      out.set(p, fs.readFileSync(p, 'utf8'));
    }
  }
  return out;
}

describe('sql-examples smoke test', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples)('%s runs to the end with output', async (name) => {
    const text = fs.readFileSync(path.join(work, name), 'utf8');
    expect(text.startsWith('--'), `${name} opens with a comment on what it shows`).toBe(true);
    const before = filesUnder(work);
    const r = await runCli(['run', path.join(work, name), '--format', 'jsonl'], { cwd: elsewhere });
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code, r.stderr).toBe(0);
    // A SELECT prints its changes; an INSERT INTO writes its sink file instead.
    const after = filesUnder(work);
    const written = [...after].filter(([p, content]) => before.get(p) !== content && content.length > 0);
    expect(r.stdout.length > 0 || written.length > 0, 'the example produced output').toBe(true);
    if (r.stdout.length > 0) for (const row of jsonLines(r.stdout)) expect(row['op']).toBe('+I');
  });
});

/** Windows fire in event-time order; the order of rows within one firing is not specified. */
function expectWindowsInOrder(stdout: string): void {
  const ends = jsonLines(stdout).map((r) => String(r['window_end']));
  expect(ends).toEqual([...ends].sort());
}

describe('01-clicks-per-user.sql', () => {
  // Watermark = max(event_time) - 5 s. alice's 10:10:02 leaves W at 10:09:57, so carol's 10:09:59 still
  // counts; bob's 10:10:07 moves W to 10:10:02 and fires [10:00, 10:10). alice's 10:09:30 is then late.
  // dave's 10:20:05 (W 10:20:00) fires [10:10, 10:20) after carol's 10:19:58 was counted; bob's 10:15:00
  // is late. carol's 10:31:00 (W 10:30:55) fires [10:20, 10:30); end of input fires [10:30, 10:40).
  const w = (start: string, end: string) => `"window_start":"2026-01-01 ${start}:00.000","window_end":"2026-01-01 ${end}:00.000"`;
  const expected = [
    `{"op":"+I",${w('10:00', '10:10')},"user_id":"alice","clicks":2}`,
    `{"op":"+I",${w('10:00', '10:10')},"user_id":"bob","clicks":2}`,
    `{"op":"+I",${w('10:00', '10:10')},"user_id":"carol","clicks":1}`,
    `{"op":"+I",${w('10:10', '10:20')},"user_id":"alice","clicks":2}`,
    `{"op":"+I",${w('10:10', '10:20')},"user_id":"bob","clicks":1}`,
    `{"op":"+I",${w('10:10', '10:20')},"user_id":"carol","clicks":2}`,
    `{"op":"+I",${w('10:20', '10:30')},"user_id":"alice","clicks":1}`,
    `{"op":"+I",${w('10:20', '10:30')},"user_id":"bob","clicks":1}`,
    `{"op":"+I",${w('10:20', '10:30')},"user_id":"dave","clicks":1}`,
    `{"op":"+I",${w('10:30', '10:40')},"user_id":"carol","clicks":1}`,
  ];

  it('prints exactly the window counts, and 2 late rows on stderr', async () => {
    const r = await runCli(['run', path.join(EXAMPLES, '01-clicks-per-user.sql'), '--format', 'jsonl'], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(sortedLines(r.stdout)).toEqual([...expected].sort());
    expect(r.stdout.endsWith('\n')).toBe(true);
    expectWindowsInOrder(r.stdout);
    expect(r.stderr).toMatch(/^tidemark: q1 finished: 2 late rows? dropped\b/m);
  });
});

describe('02-device-temperature.sql', () => {
  // Watermark = max(event_time) - 1 min. sensor-2's 08:09:20 arrives at W 08:09:05 and counts; 08:14:50
  // (W 08:13:50) fires [08:00, 08:10): sensor-1 (21.5 + 21.9) / 2, sensor-2 (19.0 + 19.4 + 18.8) / 3.
  // sensor-2's 08:12:00 counts in [08:10, 08:20), which 08:21:10 (W 08:20:10) fires; sensor-2's 08:08:00
  // then is late. 08:31:00 (W 08:30:00) fires [08:20, 08:30); end of input fires [08:30, 08:40).
  const w = (start: string, end: string) => `"window_start":"2026-03-01 ${start}:00.000","window_end":"2026-03-01 ${end}:00.000"`;
  const expected = [
    `{"op":"+I",${w('08:00', '08:10')},"device_id":"sensor-1","avg_temperature":21.7,"readings":2}`,
    `{"op":"+I",${w('08:00', '08:10')},"device_id":"sensor-2","avg_temperature":19.07,"readings":3}`,
    `{"op":"+I",${w('08:10', '08:20')},"device_id":"sensor-1","avg_temperature":22.6,"readings":2}`,
    `{"op":"+I",${w('08:10', '08:20')},"device_id":"sensor-2","avg_temperature":19.9,"readings":1}`,
    `{"op":"+I",${w('08:10', '08:20')},"device_id":"sensor-3","avg_temperature":25,"readings":1}`,
    `{"op":"+I",${w('08:20', '08:30')},"device_id":"sensor-1","avg_temperature":23.1,"readings":1}`,
    `{"op":"+I",${w('08:20', '08:30')},"device_id":"sensor-3","avg_temperature":25.9,"readings":2}`,
    `{"op":"+I",${w('08:30', '08:40')},"device_id":"sensor-1","avg_temperature":23.5,"readings":1}`,
  ];

  it('prints exactly the window averages, and 1 late row on stderr', async () => {
    const r = await runCli(['run', path.join(EXAMPLES, '02-device-temperature.sql'), '--format', 'jsonl'], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(sortedLines(r.stdout)).toEqual([...expected].sort());
    expectWindowsInOrder(r.stdout);
    expect(r.stderr).toMatch(/^tidemark: q1 finished: 1 late rows? dropped\b/m);
  });
});
