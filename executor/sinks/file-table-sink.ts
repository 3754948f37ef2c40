// INSERT INTO a file table: a Sink over FileSink that resumes at the committed length of the last checkpoint.
import { resolve } from 'node:path';
import { InternalError } from '../../parser/errors.ts';
import type { TableDef } from '../../planner/catalog.ts';
import type { Schema } from '../../planner/types.ts';
import { FileSink } from './file-sink.ts';
import type { Sink } from './sink.ts';

export function fileTableSink(table: TableDef, schema: Schema): Sink {
  let file: FileSink | undefined;
  const open = (): FileSink => file ?? (() => { throw new InternalError(`sink ${table.name} used before it was opened`); })();
  return {
    async resume(marker) {
      const path = table.options['path']!;
      file = await FileSink.open(resolve(table.baseDir, path), path, table.options['format'] as 'json' | 'csv', schema, marker as { bytes: number } | undefined);
    },
    push: (batch) => open().write(batch),
    watermark: () => {},
    end: async () => {
      await open().flush();
    },
    flush: () => open().flush(),
    close: async () => {
      await file?.close().catch(() => undefined); // uncommitted output is redone from the last checkpoint
    },
  };
}
