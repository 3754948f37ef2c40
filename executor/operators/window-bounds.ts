// Which windows an event time falls in: TUMBLE, HOP and CUMULATE (Flink's alignment, also before 1970).
import { InternalError } from '../../parser/errors.ts';
import type { WindowSpec } from '../../planner/logical-plan.ts';

/** The start of the window of width `size` (ms), shifted by `offset`, that contains `t`. */
export function windowStart(t: number, size: number, offset: number): number {
  const r = (t - offset) % size;
  return r < 0 ? t - (r + size) : t - r;
}

/** How many windows one row can fall in: 1 for TUMBLE, size/slide rounded up for HOP, size/step for CUMULATE. */
export function maxWindowsPerRow(w: WindowSpec): number {
  return w.kind === 'tumble' ? 1 : Math.ceil(w.size / w.step);
}

/**
 * Writes the bounds of every window containing `t` into `starts`/`ends`, in order of window end, and
 * returns how many there are.
 */
export function windowsOf(w: WindowSpec, t: number, starts: Float64Array, ends: Float64Array): number {
  let n = 0;
  if (w.kind === 'tumble') {
    const s = windowStart(t, w.size, w.offset);
    starts[0] = s;
    ends[0] = s + w.size;
    return 1;
  }
  if (w.kind === 'hop') {
    // Windows start every `step`; those starting in (t - size, t] contain t.
    const last = windowStart(t, w.step, w.offset);
    let first = last;
    while (first - w.step > t - w.size) first -= w.step;
    for (let s = first; s <= last; s += w.step) {
      starts[n] = s;
      ends[n++] = s + w.size;
    }
    return n;
  }
  if (w.kind === 'session') throw new InternalError('session windows depend on other rows: see session-aggregate.ts');
  // CUMULATE: windows share the start of their `size` period and end every `step` after it.
  const s = windowStart(t, w.size, w.offset);
  for (let end = s + (Math.floor((t - s) / w.step) + 1) * w.step; end <= s + w.size; end += w.step) {
    starts[n] = s;
    ends[n++] = end;
  }
  return n;
}
