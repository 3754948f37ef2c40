// How each stored SQL type is declared in DuckDB and laid out in its vectors, next to its Arrow layout.
import * as A from 'apache-arrow';
import { BIGINT, BOOLEAN, DECIMAL, DOUBLE, INTEGER, TIMESTAMP_MS, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import { assertNever, InternalError } from '../parser/errors.ts';
import type { SqlType } from '../planner/types.ts';
import { arrowType } from '../executor/vector/arrow-types.ts';

/**
 * How values sit in a DuckDB vector: `bool` one byte each; `int16`..`int128` and `float64` little-endian
 * fixed width (DuckDB keeps DECIMAL(p ≤ 4) in int16, p ≤ 9 in int32, p ≤ 18 in int64, else int128);
 * `string` as 16-byte string_t entries.
 */
export type Storage = 'bool' | 'int16' | 'int32' | 'int64' | 'int128' | 'float64' | 'string';

export const STORAGE_BYTES: Readonly<Record<Storage, number>> = {
  bool: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  int128: 16,
  float64: 8,
  string: 16,
};

export function storageOf(t: SqlType): Storage {
  switch (t.id) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT':
      return 'int32';
    case 'BIGINT':
    case 'TIMESTAMP':
      return 'int64';
    case 'DOUBLE':
      return 'float64';
    case 'DECIMAL':
      return t.precision <= 4 ? 'int16' : t.precision <= 9 ? 'int32' : t.precision <= 18 ? 'int64' : 'int128';
    case 'VARCHAR':
      return 'string';
    case 'INTERVAL':
    case 'NULL':
      throw new InternalError(`type ${t.id} is never stored`);
    default:
      return assertNever(t);
  }
}

/** The column type in DDL, spelled as DuckDB reports it back in `duckdb_columns()`. */
export function duckdbTypeName(t: SqlType): string {
  switch (t.id) {
    case 'BOOLEAN':
    case 'BIGINT':
    case 'DOUBLE':
    case 'VARCHAR':
      return t.id;
    case 'INT':
      return 'INTEGER';
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'TIMESTAMP':
      return 'TIMESTAMP_MS'; // epoch milliseconds, exactly the Arrow column's int64
    case 'INTERVAL':
    case 'NULL':
      throw new InternalError(`type ${t.id} is never stored`);
    default:
      return assertNever(t);
  }
}

export function duckdbType(t: SqlType): DuckDBType {
  switch (t.id) {
    case 'BOOLEAN':
      return BOOLEAN;
    case 'INT':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'DECIMAL':
      return DECIMAL(t.precision, t.scale);
    case 'VARCHAR':
      return VARCHAR;
    case 'TIMESTAMP':
      return TIMESTAMP_MS;
    case 'INTERVAL':
    case 'NULL':
      throw new InternalError(`type ${t.id} is never stored`);
    default:
      return assertNever(t);
  }
}

/** Whether an Arrow column has exactly the layout arrow-types.ts gives the SQL type (buffers are copied raw). */
export function hasArrowLayout(actual: A.DataType, t: SqlType): boolean {
  const want = arrowType(t);
  if (actual.typeId !== want.typeId) return false;
  if (A.DataType.isInt(actual) && A.DataType.isInt(want)) return actual.bitWidth === want.bitWidth && actual.isSigned;
  if (A.DataType.isFloat(actual) && A.DataType.isFloat(want)) return actual.precision === want.precision;
  if (A.DataType.isTimestamp(actual) && A.DataType.isTimestamp(want)) return actual.unit === want.unit;
  if (A.DataType.isDecimal(actual) && A.DataType.isDecimal(want)) {
    return actual.bitWidth === 128 && actual.scale === want.scale;
  }
  return true;
}
