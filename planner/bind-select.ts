// Binds SELECT: FROM (tables, window TVFs, subqueries), WHERE, GROUP BY with aggregates, HAVING, the select list.
import type { Expr, FromItem, SelectItem, SelectStmt } from '../parser/ast.ts';
import type { Diagnostic, Span } from '../parser/errors.ts';
import { bindAggregateQuery } from './bind-aggregate.ts';
import { someChild } from './ast-walk.ts';
import { sliceSpan } from './bind-ddl.ts';
import { AGGREGATES, ExprBinder, type Rewrite } from './bind-expr.ts';
import { type Bound, applyWindow, readWindowCall } from './bind-window.ts';
import type { BoundExpr } from './bound-expr.ts';
import type { Catalog } from './catalog.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { didYouMean } from '../parser/errors.ts';
import type { Field } from './types.ts';

export interface BindContext {
  readonly catalog: Catalog;
  readonly errors: Diagnostic[];
  /** The statement's text and where it starts, to name unaliased select items as written. */
  readonly text: string;
  readonly start: Span;
}

export function bindSelect(stmt: SelectStmt, ctx: BindContext): Bound | null {
  if (!stmt.from) {
    ctx.errors.push({ code: 'unsupported', message: 'SELECT without FROM is not supported', span: stmt.span, hint: 'a streaming query reads a table: add FROM' });
    return null;
  }
  let input = bindFrom(stmt.from, ctx);
  if (!input) {
    // Still check the rest of the statement for errors against an empty scope? Names would all fail; stop here.
    return null;
  }
  if (stmt.where) {
    const predicate = new ExprBinder(input.scope, ctx.errors, undefined, 'WHERE').bind(stmt.where);
    if (predicate && predicate.type.id !== 'BOOLEAN' && predicate.type.id !== 'NULL')
      ctx.errors.push({ code: 'type-mismatch', message: `WHERE needs a BOOLEAN condition, found ${predicate.type.id}`, span: stmt.where.span });
    else if (predicate) input = { ...input, plan: { kind: 'filter', input: input.plan, predicate, schema: input.plan.schema } };
  }
  const aggregating = stmt.groupBy.length > 0 || stmt.items.some((i) => containsAggregate(i.expr)) || (stmt.having !== undefined);
  if (aggregating) return bindAggregateQuery(stmt, input, ctx);
  return bindProjection(stmt.items, input, ctx, undefined);
}

/** The select list as a projection; `rewrite` maps expressions over an aggregate's output. */
export function bindProjection(items: readonly SelectItem[], input: Bound, ctx: BindContext, rewrite: Rewrite | undefined): Bound | null {
  const binder = new ExprBinder(input.scope, ctx.errors, rewrite, 'the SELECT list of a query without GROUP BY');
  const exprs: BoundExpr[] = [];
  const columns: ScopeColumn[] = [];
  for (const item of items) {
    if (item.expr.kind === 'star') {
      if (rewrite) {
        ctx.errors.push({ code: 'misplaced-star', message: '"*" cannot be used with GROUP BY', span: item.span, hint: 'list the grouped columns and aggregates' });
        continue;
      }
      const qualifier = item.expr.table;
      const picked = input.scope.columns
        .map((c, index) => ({ c, index }))
        .filter(({ c }) => !qualifier || (c.table !== undefined && c.table.toLowerCase() === qualifier.name.toLowerCase()));
      if (qualifier && picked.length === 0) ctx.errors.push({ code: 'unknown-table', message: `table or alias "${qualifier.name}" not found in FROM`, span: qualifier.span });
      for (const { c, index } of picked) {
        exprs.push({ kind: 'column-ref', index, name: c.name, type: c.field.type, nullable: c.field.nullable });
        columns.push({ ...c, table: undefined });
      }
      continue;
    }
    const e = binder.bind(item.expr);
    if (!e) continue;
    const name = item.alias?.name ?? defaultName(item.expr, ctx);
    const timeAttribute = e.kind === 'column-ref' && input.scope.columns[e.index]!.timeAttribute;
    exprs.push(e);
    columns.push({ name, field: { name, type: e.type, nullable: e.nullable }, timeAttribute });
  }
  const seen = new Map<string, SelectItem>();
  items.forEach((item, i) => {
    const c = columns[i];
    if (!c || item.expr.kind === 'star') return;
    const key = c.name.toLowerCase();
    if (seen.has(key))
      ctx.errors.push({ code: 'duplicate-column', message: `the result has two columns named "${c.name}"`, span: item.span, hint: 'give one of them another name with AS' });
    seen.set(key, item);
  });
  const scope = new Scope(columns);
  const fields: Field[] = columns.map((c) => c.field);
  return { plan: { kind: 'project', input: input.plan, exprs, schema: { fields } }, scope };
}

function defaultName(e: Expr, ctx: BindContext): string {
  if (e.kind === 'column') return e.name.name;
  return sliceSpan(ctx.text, ctx.start, e.span).replace(/\s+/g, ' ');
}

export function containsAggregate(e: Expr): boolean {
  return (e.kind === 'call' && AGGREGATES.has(e.name.name.toUpperCase())) || someChild(e, containsAggregate);
}

export function bindFrom(from: FromItem, ctx: BindContext): Bound | null {
  switch (from.kind) {
    case 'table-ref':
      return bindTable(from.name, from.alias?.name, ctx);
    case 'tvf':
    case 'function-ref': {
      const call = readWindowCall(from, ctx.errors);
      if (!call) return null;
      const input = bindTable(call.table!, from.alias?.name, ctx);
      return input && applyWindow(input, call, ctx.errors);
    }
    case 'subquery': {
      const inner = bindSelect(from.query, ctx);
      if (!inner) return null;
      const alias = from.alias?.name;
      return { plan: inner.plan, scope: new Scope(inner.scope.columns.map((c) => ({ ...c, table: alias }))) };
    }
  }
}

/** A table: its scan, then its watermark when it declares one. */
function bindTable(name: { name: string; span: Span }, alias: string | undefined, ctx: BindContext): Bound | null {
  const table = ctx.catalog.get(name.name);
  if (!table) {
    const suggestion = didYouMean(name.name, ctx.catalog.names());
    ctx.errors.push({
      code: 'unknown-table',
      message: `table "${name.name}" does not exist`,
      span: name.span,
      hint: suggestion ? `did you mean "${suggestion}"?` : 'declare it first with CREATE TABLE',
    });
    return null;
  }
  const schema = table.schema;
  const scope = Scope.of(schema, alias ?? table.name, table.watermark ? [table.watermark.column] : []);
  let plan: Bound['plan'] = { kind: 'scan', table, columns: schema.fields.map((_, i) => i), schema };
  if (table.watermark) {
    const timeColumn = schema.fields.findIndex((f) => f.name === table.watermark!.column);
    const expr = new ExprBinder(scope, ctx.errors, undefined, 'a WATERMARK').bind(table.watermark.expr);
    if (!expr) return null;
    plan = { kind: 'watermark', input: plan, timeColumn, expr, schema };
  }
  return { plan, scope };
}
