// Where a query's output goes: the library's iterator, the CLI's stdout writer, or a file table.
import type { Downstream } from '../operator.ts';

export interface Sink extends Downstream {
  /** Prepares the sink before the first row; `marker` is its commit marker at the checkpoint resumed from. */
  resume?(marker: unknown): Promise<void>;
  /** Every source has ended and all output was pushed. */
  end(): Promise<void>;
  /** Makes everything pushed so far durable (at a checkpoint); returns the commit marker, if the sink has one. */
  flush(): Promise<unknown>;
  /** Stops early (error, break, engine close); must not fail. */
  close(): Promise<void>;
}
