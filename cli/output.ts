// The CLI's sinks: each SELECT's changes as text on stdout, and stdout that may close early (| head).
import type { Schema } from '../planner/types.ts';
import { type ChangeFormat, createChangeWriter } from '../executor/sinks/format.ts';
import type { Sink } from '../executor/sinks/sink.ts';

/** Writes to stdout; once the reader has gone (EPIPE), further output is dropped and `closed` is set. */
export class Stdout {
  closed = false;
  private pending = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout, onClosed: () => void = () => {}) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') {
        this.closed = true;
        onClosed();
      } else throw e;
    });
  }

  write(text: string): void {
    if (this.closed || text.length === 0) return;
    this.pending++;
    this.stream.write(text, () => this.pending--);
  }

  /** Resolves once everything written has been handed to the OS. */
  async flushed(): Promise<void> {
    if (this.closed || this.stream.writableLength === 0) return;
    await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
}

export function stdoutSink(format: ChangeFormat, schema: Schema, out: Stdout, query: string | undefined): Sink {
  const writer = createChangeWriter(format, schema, (text) => out.write(text), { query });
  let ended = false;
  return {
    push: (batch) => writer.write(batch),
    watermark: () => {},
    end: async () => {
      if (!ended) writer.end();
      ended = true;
    },
    flush: async () => undefined,
    close: async () => {},
  };
}
