// Malformed source rows as rows of the user's dead-letter table ('format.on-error' = 'dead-letter', SPEC §7).
import type * as A from 'apache-arrow';
import type { TableDef } from '../../planner/catalog.ts';
import { makeBatch } from '../vector/arrow-types.ts';
import { createColumnBuilder } from '../vector/column-builder.ts';
import type { SkippedRow } from './file-source.ts';

/** One row per skipped line, in the dead-letter table's columns: source, line, raw and reason. */
export function deadLetterBatch(source: TableDef, target: TableDef, rows: readonly SkippedRow[]): A.RecordBatch {
  const columns = target.schema.fields.map((f) => {
    const b = createColumnBuilder(f.type, rows.length);
    for (const r of rows) {
      const name = f.name.toLowerCase();
      if (name === 'source') b.appendString(source.name);
      else if (name === 'line') b.appendNumber(r.line);
      else if (name === 'raw') b.appendString(r.text);
      else b.appendString(r.reason);
    }
    return b.finish();
  });
  return makeBatch(target.schema, columns, rows.length);
}
