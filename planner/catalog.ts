// Table definitions from CREATE TABLE: columns, the event-time attribute, its watermark and connector options.
import type { Expr } from '../parser/ast.ts';
import type { Span } from '../parser/errors.ts';
import type { Schema } from './types.ts';

export interface WatermarkSpec {
  readonly column: string; // the event-time attribute
  readonly expr: Expr; // bound against the table's columns when a query reads it
  readonly text: string; // as written, for EXPLAIN
}

export interface TableDef {
  readonly name: string;
  readonly schema: Schema;
  readonly watermark?: WatermarkSpec;
  /** Options with Flink aliases already mapped to Tidemark's names ('connector' = 'file', ...). */
  readonly options: Readonly<Record<string, string>>;
  /** Directory that relative paths in options are resolved against (the .sql file's). */
  readonly baseDir: string;
  readonly span: Span;
  /** With 'format.on-error' = 'dead-letter': the file table malformed rows are written to (SPEC §7). */
  readonly deadLetter?: TableDef;
}

export class Catalog {
  private readonly tables = new Map<string, TableDef>();

  get(name: string): TableDef | undefined {
    return this.tables.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.tables.has(name.toLowerCase());
  }

  add(def: TableDef): void {
    this.tables.set(def.name.toLowerCase(), def);
  }

  names(): string[] {
    return [...this.tables.values()].map((t) => t.name);
  }
}
