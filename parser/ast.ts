// The typed AST the parser produces: readonly, kind-tagged plain data; every node carries its Span.
import type { Span } from './errors.ts';

export type { Span };

/** A type as written in DDL or CAST. */
export type TypeName =
  | { readonly kind: 'type-name'; readonly name: 'BOOLEAN' | 'INT' | 'BIGINT' | 'DOUBLE' | 'VARCHAR'; readonly span: Span }
  | { readonly kind: 'type-name'; readonly name: 'DECIMAL'; readonly precision: number; readonly scale: number; readonly span: Span }
  | { readonly kind: 'type-name'; readonly name: 'TIMESTAMP'; readonly precision: number; readonly span: Span };

/** An identifier; `quoted` when written with "..." or `...` (then case is kept exactly). */
export interface Ident {
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR';

export type UnaryOp = '-' | '+' | 'NOT';

/** Interval units as normalized by the parser. */
export type IntervalUnit = 'MILLISECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';

export type Expr =
  | { readonly kind: 'column'; readonly name: Ident; readonly table?: Ident; readonly span: Span }
  | { readonly kind: 'star'; readonly table?: Ident; readonly span: Span } // `*` or `t.*` in a select list
  | { readonly kind: 'number'; readonly text: string; readonly span: Span } // integer or decimal literal as written
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span }
  /** INTERVAL '10' MINUTE(S) or INTERVAL '10 minutes': `ms` is the length in milliseconds. */
  | { readonly kind: 'interval'; readonly ms: number; readonly text: string; readonly span: Span }
  /** TIMESTAMP '2026-01-01 10:00:00' */
  | { readonly kind: 'timestamp'; readonly text: string; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr; readonly span: Span }
  /** f(args), f(*) as COUNT(*) (star = true), f(DISTINCT x) */
  | {
      readonly kind: 'call';
      readonly name: Ident;
      readonly args: readonly Expr[];
      readonly star: boolean;
      readonly distinct: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly type: TypeName; readonly span: Span }
  | { readonly kind: 'is-null'; readonly operand: Expr; readonly negated: boolean; readonly span: Span }
  | {
      readonly kind: 'between';
      readonly operand: Expr;
      readonly low: Expr;
      readonly high: Expr;
      readonly negated: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'in-list'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly negated: boolean; readonly span: Span }
  | {
      readonly kind: 'case';
      readonly operand?: Expr; // CASE x WHEN ... (simple form)
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else?: Expr;
      readonly span: Span;
    };

export interface SelectItem {
  readonly expr: Expr;
  readonly alias?: Ident;
  readonly span: Span;
}

/** An argument of a table-valued function: `TABLE t`, `DESCRIPTOR(c)`, or an expression; optionally named (`SIZE => ...`). */
export type TvfArg =
  /** `TABLE t`, with `PARTITION BY k` / `PARTITION BY (k1, k2)` for SESSION; partitionBy is empty without it. */
  | {
      readonly kind: 'table-arg';
      readonly table: Ident;
      readonly partitionBy: readonly Ident[];
      readonly name?: Ident;
      readonly span: Span;
    }
  | { readonly kind: 'descriptor-arg'; readonly columns: readonly Ident[]; readonly name?: Ident; readonly span: Span }
  | { readonly kind: 'expr-arg'; readonly expr: Expr; readonly name?: Ident; readonly span: Span };

export type FromItem =
  | { readonly kind: 'table-ref'; readonly name: Ident; readonly alias?: Ident; readonly span: Span }
  /** FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL ...)) */
  | { readonly kind: 'tvf'; readonly name: Ident; readonly args: readonly TvfArg[]; readonly alias?: Ident; readonly span: Span }
  /** FROM TUMBLE(t, ts, INTERVAL '10 minutes'): the RisingWave short form; args are plain expressions */
  | { readonly kind: 'function-ref'; readonly name: Ident; readonly args: readonly Expr[]; readonly alias?: Ident; readonly span: Span }
  | { readonly kind: 'subquery'; readonly query: SelectStmt; readonly alias?: Ident; readonly span: Span };

export interface SelectStmt {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly span: Span;
}

export type ColumnDef =
  | { readonly kind: 'physical-column'; readonly name: Ident; readonly type: TypeName; readonly notNull: boolean; readonly span: Span }
  /** `pt AS PROCTIME()` or `total AS price * qty` */
  | { readonly kind: 'computed-column'; readonly name: Ident; readonly expr: Expr; readonly span: Span };

export interface WatermarkDef {
  readonly column: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

export interface TableOption {
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

export interface CreateTableStmt {
  readonly kind: 'create-table';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly watermark?: WatermarkDef;
  readonly options: readonly TableOption[];
  readonly span: Span;
}

export interface InsertStmt {
  readonly kind: 'insert';
  readonly table: Ident;
  readonly query: SelectStmt;
  readonly span: Span;
}

/** SET 'key' = 'value' (also SET key = value) */
export interface SetStmt {
  readonly kind: 'set';
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

export interface ExplainStmt {
  readonly kind: 'explain';
  readonly statement: SelectStmt | InsertStmt;
  readonly span: Span;
}

export type Statement = CreateTableStmt | SelectStmt | InsertStmt | SetStmt | ExplainStmt;

/** A parsed statement with the text it came from, for error rendering and `-- name:` comments. */
export interface ParsedStatement {
  readonly statement: Statement;
  /** The statement's SQL text exactly as written (without the trailing `;`). */
  readonly text: string;
  /** From a `-- name: x` comment directly above the statement, if any. */
  readonly name?: string;
  readonly span: Span;
}
