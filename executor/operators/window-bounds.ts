// Which tumbling window an event time falls in (Flink's rule, also for times before 1970).

/** The start of the window of width `size` (ms), shifted by `offset`, that contains `t`. */
export function windowStart(t: number, size: number, offset: number): number {
  const r = (t - offset) % size;
  return r < 0 ? t - (r + size) : t - r;
}
