// Runs tasks one at a time in submission order: batches, checkpoints and restores never interleave.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything submitted so far has run. */
  idle(): Promise<void> {
    return this.run(() => undefined);
  }
}
