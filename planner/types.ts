// SQL types and schemas: what columns hold, independent of how batches store them.
import { assertNever } from '../parser/errors.ts';

export type SqlType =
  | { readonly id: 'BOOLEAN' }
  | { readonly id: 'INT' }
  | { readonly id: 'BIGINT' }
  | { readonly id: 'DOUBLE' }
  | { readonly id: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly id: 'VARCHAR' }
  | { readonly id: 'TIMESTAMP'; readonly precision: number }
  | { readonly id: 'INTERVAL' } // milliseconds; only in expressions, never stored
  | { readonly id: 'NULL' }; // the type of a bare NULL literal before coercion

export const BOOLEAN: SqlType = { id: 'BOOLEAN' };
export const INT: SqlType = { id: 'INT' };
export const BIGINT: SqlType = { id: 'BIGINT' };
export const DOUBLE: SqlType = { id: 'DOUBLE' };
export const VARCHAR: SqlType = { id: 'VARCHAR' };
export const TIMESTAMP: SqlType = { id: 'TIMESTAMP', precision: 3 };
export const INTERVAL: SqlType = { id: 'INTERVAL' };
export const decimal = (precision: number, scale: number): SqlType => ({ id: 'DECIMAL', precision, scale });

/** The largest DECIMAL precision whose unscaled values Tidemark computes with exactly (int64). */
export const MAX_DECIMAL_PRECISION = 18;

export interface Field {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

export interface Schema {
  readonly fields: readonly Field[];
}

export function typeToString(t: SqlType): string {
  switch (t.id) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'TIMESTAMP':
      return `TIMESTAMP(${t.precision})`;
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'VARCHAR':
    case 'INTERVAL':
    case 'NULL':
      return t.id;
    default:
      return assertNever(t);
  }
}

export function isNumeric(t: SqlType): boolean {
  return t.id === 'INT' || t.id === 'BIGINT' || t.id === 'DOUBLE' || t.id === 'DECIMAL';
}

export function isIntegral(t: SqlType): boolean {
  return t.id === 'INT' || t.id === 'BIGINT';
}
