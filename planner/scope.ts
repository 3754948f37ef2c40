// Name resolution: the columns visible at a point of a query, by table alias and name.
import type { Ident } from '../parser/ast.ts';
import { type Diagnostic, didYouMean } from '../parser/errors.ts';
import type { Field, Schema } from './types.ts';

export interface ScopeColumn {
  readonly name: string;
  readonly table?: string; // alias or table name that qualifies it
  readonly field: Field;
  /** True for an event-time attribute (a WATERMARK FOR column, or window_time). */
  readonly timeAttribute: boolean;
}

export class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  static of(schema: Schema, table: string | undefined, timeColumns: readonly string[] = []): Scope {
    return new Scope(schema.fields.map((field) => ({ name: field.name, table, field, timeAttribute: timeColumns.includes(field.name) })));
  }

  get schema(): Schema {
    return { fields: this.columns.map((c) => c.field) };
  }

  /** The column index for a reference, or a diagnostic (unknown or ambiguous). */
  resolve(name: Ident, table?: Ident): number | Diagnostic {
    const matches: number[] = [];
    this.columns.forEach((c, i) => {
      if (table && !(c.table !== undefined && sameName(c.table, table))) return;
      if (sameName(c.name, name)) matches.push(i);
    });
    if (matches.length === 1) return matches[0]!;
    const shown = table ? `${table.name}.${name.name}` : name.name;
    if (matches.length > 1)
      return { code: 'ambiguous-column', message: `column "${shown}" is ambiguous`, span: name.span, hint: 'qualify it with a table name or alias' };
    if (table && !this.columns.some((c) => c.table !== undefined && sameName(c.table, table)))
      return { code: 'unknown-table', message: `table or alias "${table.name}" not found in FROM`, span: table.span };
    const suggestion = didYouMean(name.name, this.columns.map((c) => c.name));
    const where = [...new Set(this.columns.map((c) => c.table).filter((t): t is string => !!t))];
    return {
      code: 'unknown-column',
      message: `column "${shown}" not found${where.length ? ` in "${where.join('", "')}"` : ''}`,
      span: name.span,
      hint: suggestion ? `did you mean "${suggestion}"?` : undefined,
    };
  }
}

/** Unquoted identifiers match case-insensitively; quoted ones exactly. */
export function sameName(stored: string, ref: Ident): boolean {
  return ref.quoted ? stored === ref.name : stored.toLowerCase() === ref.name.toLowerCase();
}
