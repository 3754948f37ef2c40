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

/**
 * Gives each query a channel to stdout. Interleaved, every channel writes at once; otherwise only the
 * first unfinished channel does, and later ones are held until the ones before them end.
 */
export class OrderedOutput {
  private current = 0;
  private readonly held: string[][];
  private readonly ended: boolean[];

  constructor(private readonly out: Stdout, private readonly n: number, private readonly interleave: boolean) {
    this.held = Array.from({ length: n }, () => []);
    this.ended = new Array<boolean>(n).fill(false);
  }

  channel(i: number): Channel {
    return {
      write: (text) => (this.interleave || i === this.current ? this.out.write(text) : this.held[i]!.push(text)),
      end: () => {
        this.ended[i] = true;
        while (this.current < this.n && this.ended[this.current]) {
          this.current++;
          if (this.current < this.n) for (const t of this.held[this.current]!.splice(0)) this.out.write(t);
        }
      },
    };
  }

  /** Writes whatever is still held (queries that failed or stopped before ending). */
  finish(): void {
    for (let i = this.current; i < this.n; i++) for (const t of this.held[i]!.splice(0)) this.out.write(t);
  }
}

export interface Channel {
  write(text: string): void;
  end(): void;
}

export function stdoutSink(format: ChangeFormat, schema: Schema, out: Channel, query: string | undefined): Sink {
  const writer = createChangeWriter(format, schema, (text) => out.write(text), { query });
  let ended = false;
  return {
    push: (batch) => writer.write(batch),
    watermark: () => {},
    end: async () => {
      if (!ended) writer.end(), out.end();
      ended = true;
    },
    flush: async () => undefined,
    close: async () => {},
  };
}
