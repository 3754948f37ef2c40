// From parsed statements to what the session runs: table definitions, settings and planned queries.
import { createHash } from 'node:crypto';
import type { InsertStmt, ParsedStatement, SelectStmt } from '../parser/ast.ts';
import { type Diagnostic, TidemarkError } from '../parser/errors.ts';
import { bindCreateTable } from './bind-ddl.ts';
import { coerce } from './bind-expr.ts';
import { bindSelect } from './bind-select.ts';
import type { BoundExpr } from './bound-expr.ts';
import type { Catalog, TableDef } from './catalog.ts';
import { explain } from './explain.ts';
import type { LogicalPlan } from './logical-plan.ts';
import { optimize } from './optimizer.ts';
import { type OperatorSpec, toPhysical } from './physical.ts';
import { type SqlType, typeToString } from './types.ts';

export interface PlannedQuery {
  readonly plan: LogicalPlan; // optimized
  readonly sink?: TableDef;
  readonly text: string;
  /** Operators with ids for the query `name`. */
  physical(name: string): OperatorSpec;
  /** Identifies the plan, so state written by another query is refused (SPEC §4). */
  fingerprint(): string;
  explain(): string;
}

export type PlannedStatement =
  | { readonly kind: 'create-table'; readonly table: TableDef; readonly ifNotExists: boolean }
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  | { readonly kind: 'select'; readonly query: PlannedQuery; readonly name?: string }
  | { readonly kind: 'insert'; readonly query: PlannedQuery; readonly name?: string }
  | { readonly kind: 'explain'; readonly text: string };

export interface PlanContext {
  readonly catalog: Catalog;
  readonly file?: string;
  /** The whole text the statement came from, for error rendering. */
  readonly source: string;
  readonly baseDir: string;
}

/** Binds and plans one statement; throws TidemarkError with every problem found in it. */
export function planStatement(parsed: ParsedStatement, ctx: PlanContext): PlannedStatement {
  const errors: Diagnostic[] = [];
  const result = plan(parsed, ctx, errors);
  if (errors.length > 0 || !result) throw new TidemarkError(errors.length ? errors : [{ code: 'internal', message: 'planning failed' }], { text: ctx.source, file: ctx.file });
  return result;
}

function plan(parsed: ParsedStatement, ctx: PlanContext, errors: Diagnostic[]): PlannedStatement | undefined {
  const s = parsed.statement;
  switch (s.kind) {
    case 'create-table': {
      if (ctx.catalog.has(s.name.name) && !s.ifNotExists) {
        errors.push({ code: 'table-exists', message: `table "${s.name.name}" already exists`, span: s.name.span, hint: 'use CREATE TABLE IF NOT EXISTS, or another name' });
        return undefined;
      }
      const table = bindCreateTable(s, parsed.text, ctx.baseDir, ctx.catalog, errors);
      return table && { kind: 'create-table', table, ifNotExists: s.ifNotExists };
    }
    case 'set':
      return { kind: 'set', key: s.key, value: s.value };
    case 'select': {
      const query = planQuery(s, undefined, parsed, ctx, errors);
      return query && { kind: 'select', query, name: parsed.name };
    }
    case 'insert': {
      const query = planQuery(s.query, s, parsed, ctx, errors);
      return query && { kind: 'insert', query, name: parsed.name };
    }
    case 'explain': {
      const inner = s.statement;
      const query = inner.kind === 'select' ? planQuery(inner, undefined, parsed, ctx, errors) : planQuery(inner.query, inner, parsed, ctx, errors);
      return query && { kind: 'explain', text: query.explain() };
    }
  }
}

function planQuery(select: SelectStmt, insert: InsertStmt | undefined, parsed: ParsedStatement, ctx: PlanContext, errors: Diagnostic[]): PlannedQuery | undefined {
  const bound = bindSelect(select, { catalog: ctx.catalog, errors, text: parsed.text, start: parsed.span });
  if (!bound || errors.length > 0) return undefined;
  let logical = bound.plan;
  let sink: TableDef | undefined;
  if (insert) {
    sink = ctx.catalog.get(insert.table.name);
    if (!sink) {
      errors.push({ code: 'unknown-table', message: `table "${insert.table.name}" does not exist`, span: insert.table.span, hint: 'declare the sink with CREATE TABLE first' });
      return undefined;
    }
    if (sink.options['connector'] !== 'file') {
      errors.push({ code: 'unsupported', message: `INSERT INTO a '${sink.options['connector']}' table is not supported`, span: insert.table.span, hint: "insert into a table WITH ('connector' = 'file', ...)" });
      return undefined;
    }
    const cast = castToSink(logical, sink, insert, errors);
    if (!cast) return undefined;
    logical = cast;
  }
  const optimized = optimize(logical);
  const text = parsed.text;
  const target = sink;
  return {
    plan: optimized,
    sink: target,
    text,
    physical: (name) => toPhysical(optimized, name),
    fingerprint: () => fingerprint(toPhysical(optimized, 'q'), target),
    explain: () => explain(toPhysical(optimized, 'q'), target?.name),
  };
}

/** INSERT maps columns by position (as Flink); types must widen safely into the sink's. */
function castToSink(plan: LogicalPlan, sink: TableDef, insert: InsertStmt, errors: Diagnostic[]): LogicalPlan | undefined {
  const from = plan.schema.fields;
  const to = sink.schema.fields;
  if (from.length !== to.length) {
    errors.push({
      code: 'column-count',
      message: `INSERT INTO ${sink.name} gives ${from.length} columns, the table has ${to.length} (${to.map((f) => f.name).join(', ')})`,
      span: insert.query.span,
    });
    return undefined;
  }
  const exprs: BoundExpr[] = [];
  from.forEach((f, i) => {
    const target = to[i]!;
    if (!assignable(f.type, target.type))
      errors.push({
        code: 'type-mismatch',
        message: `column ${i + 1} ("${f.name}") is ${typeToString(f.type)} but ${sink.name}.${target.name} is ${typeToString(target.type)}`,
        span: insert.query.items[i]?.span ?? insert.query.span,
        hint: `CAST it: CAST(... AS ${typeToString(target.type)})`,
      });
    exprs.push(coerce({ kind: 'column-ref', index: i, name: f.name, type: f.type, nullable: f.nullable }, target.type));
  });
  return { kind: 'project', input: plan, exprs, schema: { fields: to.map((t, i) => ({ ...t, nullable: from[i]!.nullable })) } };
}

function assignable(from: SqlType, to: SqlType): boolean {
  if (typeToString(from) === typeToString(to) || from.id === 'NULL') return true;
  const rank: Record<string, number> = { INT: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };
  if (rank[from.id] && rank[to.id]) return rank[from.id]! <= rank[to.id]! && !(from.id === 'DECIMAL' && to.id === 'DECIMAL' && (from as { scale: number }).scale > (to as { scale: number }).scale);
  return to.id === 'VARCHAR';
}

function fingerprint(spec: OperatorSpec, sink?: TableDef): string {
  // Spans and the base directory change when the file is merely edited or moved; they are not the plan.
  const json = JSON.stringify({ spec, sink: sink && { name: sink.name, options: sink.options } }, (key, value) =>
    key === 'span' || key === 'baseDir' ? undefined : value,
  );
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}
