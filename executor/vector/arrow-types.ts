// How each SQL type is stored in Arrow: the one mapping every source, kernel and sink shares.
import * as A from 'apache-arrow';
import { assertNever, InternalError } from '../../parser/errors.ts';
import type { Field, Schema, SqlType } from '../../planner/types.ts';

/**
 * BOOLEAN → Bool, INT → Int32, BIGINT → Int64, DOUBLE → Float64, DECIMAL(p,s) → Decimal128(p,s),
 * VARCHAR → Utf8, TIMESTAMP(3) → Timestamp(ms, no zone; epoch milliseconds, UTC).
 */
export function arrowType(t: SqlType): A.DataType {
  switch (t.id) {
    case 'BOOLEAN':
      return new A.Bool();
    case 'INT':
      return new A.Int32();
    case 'BIGINT':
      return new A.Int64();
    case 'DOUBLE':
      return new A.Float64();
    case 'DECIMAL':
      return new A.Decimal(t.scale, t.precision, 128);
    case 'VARCHAR':
      return new A.Utf8();
    case 'TIMESTAMP':
      return new A.TimestampMillisecond();
    case 'INTERVAL':
      return new A.Float64();
    case 'NULL':
      return new A.Null();
    default:
      return assertNever(t);
  }
}

export function arrowField(f: Field): A.Field {
  return new A.Field(f.name, arrowType(f.type), f.nullable);
}

export function arrowSchema(schema: Schema): A.Schema {
  return new A.Schema(schema.fields.map(arrowField));
}

/** Builds a RecordBatch from one Data per field (all of the same length). */
export function makeBatch(schema: Schema | A.Schema, columns: readonly A.Data[], length: number): A.RecordBatch {
  const s = schema instanceof A.Schema ? schema : arrowSchema(schema);
  if (columns.length !== s.fields.length) throw new InternalError('column count does not match schema');
  const struct = A.makeData({ type: new A.Struct(s.fields), length, children: columns as A.Data[], nullCount: 0 });
  return new A.RecordBatch(s, struct);
}
