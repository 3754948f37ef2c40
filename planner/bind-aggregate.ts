// Binds GROUP BY queries: group keys (incl. legacy GROUP BY TUMBLE(...)), aggregate calls, HAVING and the select list.
import type { Expr, SelectStmt } from '../parser/ast.ts';
import type { Diagnostic } from '../parser/errors.ts';
import { AGGREGATES, ExprBinder, type Rewrite } from './bind-expr.ts';
import { sliceSpan } from './bind-ddl.ts';
import { type BindContext, bindProjection } from './bind-select.ts';
import { type Bound, WINDOW_FUNCTIONS, applyWindow, unsupportedWindow } from './bind-window.ts';
import { type AggCall, type BoundExpr, aggToString, exprToString } from './bound-expr.ts';
import { WINDOW_COLUMNS } from './logical-plan.ts';
import { forEachChild, someChild } from './ast-walk.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { BIGINT, DOUBLE, type SqlType, isNumeric, typeToString } from './types.ts';

const GROUP_WINDOW_AUX: Record<string, (typeof WINDOW_COLUMNS)[number]> = {
  TUMBLE_START: 'window_start',
  TUMBLE_END: 'window_end',
  TUMBLE_ROWTIME: 'window_time',
  HOP_START: 'window_start',
  HOP_END: 'window_end',
  HOP_ROWTIME: 'window_time',
  SESSION_START: 'window_start',
  SESSION_END: 'window_end',
  SESSION_ROWTIME: 'window_time',
};

export function bindAggregateQuery(stmt: SelectStmt, from: Bound, ctx: BindContext): Bound | null {
  const { errors } = ctx;
  let input = from;
  // Legacy group window: GROUP BY TUMBLE(ts, INTERVAL ...) puts the window TVF under the aggregate.
  const windowCalls = stmt.groupBy.filter((g) => g.kind === 'call' && WINDOW_FUNCTIONS.includes(g.name.name.toUpperCase()));
  let groupWindow: (Expr & { kind: 'call' }) | undefined;
  if (windowCalls.length > 1) {
    errors.push({ code: 'bad-group-by', message: 'GROUP BY can name only one window', span: windowCalls[1]!.span });
    return null;
  }
  if (windowCalls.length === 1) {
    const gw = windowCalls[0] as Expr & { kind: 'call' };
    groupWindow = gw;
    const name = gw.name.name.toUpperCase();
    if (name !== 'TUMBLE' && name !== 'HOP' && name !== 'SESSION') {
      errors.push(unsupportedWindow(name, gw.name.span));
      return null;
    }
    // Calcite's group windows: TUMBLE(time, size [, offset]), HOP(time, slide, size [, offset]), SESSION(time, gap).
    const hop = name === 'HOP';
    const [time, a, b, c, extra] = gw.args;
    const [step, size, offset, tooMany] = hop ? [a, b, c, extra] : name === 'SESSION' ? [undefined, a, undefined, b] : [undefined, a, b, c];
    if (!time || time.kind !== 'column' || !size || tooMany) {
      const shape = hop ? '(time_attribute, slide, size [, offset])' : name === 'SESSION' ? '(time_attribute, gap)' : '(time_attribute, size [, offset])';
      const example = hop
        ? "HOP(event_time, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE)"
        : name === 'SESSION'
          ? "SESSION(event_time, INTERVAL '10' MINUTE)"
          : "TUMBLE(event_time, INTERVAL '10' MINUTE)";
      errors.push({ code: 'bad-argument', message: `${name} in GROUP BY takes ${shape}`, span: gw.span, hint: `GROUP BY ${example}` });
      return null;
    }
    const windowed = applyWindow(input, { name, timeColumn: time.name, size, step, offset, span: gw.span }, errors);
    if (!windowed) return null;
    input = windowed;
  }

  // Group keys over the input.
  const keyBinder = new ExprBinder(input.scope, errors, undefined, 'GROUP BY');
  const groupBy: BoundExpr[] = [];
  const groupKeys: string[] = [];
  const scopeCols = input.scope.columns;
  const windowRef = (c: (typeof WINDOW_COLUMNS)[number]): BoundExpr => {
    const index = scopeCols.length - 3 + WINDOW_COLUMNS.indexOf(c);
    return { kind: 'column-ref', index, name: c, type: scopeCols[index]!.field.type, nullable: false };
  };
  for (const g of stmt.groupBy) {
    if (g === groupWindow) {
      // window_time is a function of the window; grouping by it lets TUMBLE_ROWTIME be selected.
      groupBy.push(windowRef('window_start'), windowRef('window_end'), windowRef('window_time'));
      groupKeys.push('$window_start', '$window_end', '$window_time');
      continue;
    }
    const b = keyBinder.bind(g);
    if (!b) continue;
    groupBy.push(b);
    groupKeys.push(b.kind === 'column-ref' ? `$col${b.index}` : astKey(g));
  }

  requireWindowBounds(stmt, input, groupBy, errors);
  if (input.partitionBy) requirePartitionKeys(stmt, input, groupBy, errors);

  // Aggregate calls, each bound once.
  const aggregates: AggCall[] = [];
  const aggKeys: string[] = [];
  const argBinder = new ExprBinder(input.scope, errors, undefined, 'the argument of an aggregate');
  const collect = (e: Expr): void => {
    if (e.kind === 'call' && AGGREGATES.has(e.name.name.toUpperCase())) {
      const key = astKey(e);
      if (aggKeys.includes(key)) return;
      const agg = bindAggCall(e, argBinder, errors);
      if (agg) {
        aggKeys.push(key);
        aggregates.push(agg);
      }
      return;
    }
    forEachChild(e, collect);
  };
  for (const item of stmt.items) if (item.expr.kind !== 'star') collect(item.expr);
  if (stmt.having) collect(stmt.having);

  // Internal names, shown by EXPLAIN; the select list names the query's columns.
  const groupFields = groupBy.map((g) => ({ name: exprToString(g), type: g.type, nullable: g.nullable }));
  const aggFields = aggregates.map((a) => ({ name: aggToString(a), type: a.type, nullable: a.nullable }));
  const aggPlan = { kind: 'aggregate' as const, input: input.plan, groupBy, aggregates, schema: { fields: [...groupFields, ...aggFields] } };
  // window_time stays an event-time attribute after the aggregate, so windows can cascade (SPEC §1).
  const isWindowTime = (g: BoundExpr) => g.kind === 'column-ref' && g.name === 'window_time' && scopeCols[g.index]!.timeAttribute;
  const outColumns: ScopeColumn[] = [
    ...groupFields.map((field, i) => ({ name: field.name, field, timeAttribute: isWindowTime(groupBy[i]!) })),
    ...aggFields.map((field) => ({ name: field.name, field, timeAttribute: false })),
  ];
  const output: Bound = { plan: aggPlan, scope: new Scope(outColumns) };

  // Over the aggregate's output: group keys and aggregates become column references.
  const ref = (index: number): BoundExpr => {
    const f = output.scope.columns[index]!.field;
    return { kind: 'column-ref', index, name: f.name, type: f.type, nullable: f.nullable };
  };
  const rewrite: Rewrite = (e) => {
    if (e.kind === 'call') {
      const name = e.name.name.toUpperCase();
      if (AGGREGATES.has(name)) {
        const i = aggKeys.indexOf(astKey(e));
        return i >= 0 ? ref(groupBy.length + i) : null;
      }
      const aux = GROUP_WINDOW_AUX[name];
      if (aux) {
        if (!groupWindow) {
          errors.push({ code: 'bad-argument', message: `${name}() needs GROUP BY TUMBLE(...)`, span: e.span, hint: `add TUMBLE(${e.args[0] ? 'time_attribute' : ''}, size) to GROUP BY, or use a window TVF's ${aux}` });
          return null;
        }
        const bad = e.args.map((a) => (a.kind === 'column' ? input.scope.resolve(a.name, a.table) : 0)).find((r) => typeof r !== 'number');
        if (bad !== undefined) {
          errors.push(bad as Diagnostic);
          return null;
        }
        if (astKey({ ...e, name: groupWindow.name }) !== astKey(groupWindow)) {
          errors.push({
            code: 'bad-argument',
            message: `${name}() must take the same arguments as the GROUP BY window`,
            span: e.span,
            hint: `the query groups by ${sliceSpan(ctx.text, ctx.start, groupWindow.span)}`,
          });
          return null;
        }
        return ref(groupKeys.indexOf(`$${aux}`));
      }
    }
    if (e.kind === 'column') {
      const idx = input.scope.resolve(e.name, e.table);
      if (typeof idx !== 'number') {
        errors.push(idx);
        return null;
      }
      const i = groupKeys.indexOf(`$col${idx}`);
      const name = input.scope.columns[idx]!.name;
      const wi = groupKeys.indexOf(`$${name}`);
      if (i >= 0) return ref(i);
      if (wi >= 0 && (WINDOW_COLUMNS as readonly string[]).includes(name) && idx >= scopeCols.length - 3) return ref(wi);
      errors.push({
        code: 'not-grouped',
        message: `column "${name}" must appear in GROUP BY or be used in an aggregate`,
        span: e.span,
        hint: `add ${name} to GROUP BY, or wrap it in an aggregate such as MAX(${name})`,
      });
      return null;
    }
    const gi = groupKeys.indexOf(astKey(e));
    return gi >= 0 ? ref(gi) : undefined;
  };

  let result: Bound = output;
  if (stmt.having) {
    const predicate = new ExprBinder(output.scope, errors, rewrite).bind(stmt.having);
    if (predicate) result = { plan: { kind: 'filter', input: result.plan, predicate, schema: result.plan.schema }, scope: result.scope };
  }
  return bindProjection(stmt.items, result, ctx, rewrite);
}

/** Tidemark runs GROUP BY only per window for now: the keys must include window_start and window_end. */
function requireWindowBounds(stmt: SelectStmt, input: Bound, groupBy: readonly BoundExpr[], errors: Diagnostic[]): void {
  const n = input.scope.columns.length;
  const windowBelow = input.plan.kind === 'window' || (input.plan.kind === 'filter' && input.plan.input.kind === 'window');
  const has = (c: string) => groupBy.some((g) => g.kind === 'column-ref' && g.name === c && g.index >= n - 3);
  if (windowBelow && has('window_start') && has('window_end')) return;
  const span = stmt.groupBy[0]?.span ?? stmt.span;
  errors.push({
    code: 'unsupported',
    message: windowBelow
      ? 'GROUP BY over a window must include both window_start and window_end'
      : 'GROUP BY without a window gives an updating result, which is not supported yet',
    span,
    hint: windowBelow
      ? 'add window_start, window_end to GROUP BY'
      : "aggregate per window: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) ... GROUP BY window_start, window_end, ...",
  });
}

/** SESSION(TABLE t PARTITION BY k, ...) keeps sessions apart per k: the GROUP BY keys must be exactly k. */
function requirePartitionKeys(stmt: SelectStmt, input: Bound, groupBy: readonly BoundExpr[], errors: Diagnostic[]): void {
  const width = input.scope.columns.length - 3;
  const keys = groupBy.filter((g) => !(g.kind === 'column-ref' && g.index >= width));
  const partition = new Set(input.partitionBy);
  const same = keys.length === partition.size && keys.every((k) => k.kind === 'column-ref' && partition.has(k.index));
  if (same) return;
  const names = input.partitionBy!.map((i) => input.scope.columns[i]!.name).join(', ');
  errors.push({
    code: 'bad-group-by',
    message: `a SESSION window partitioned by (${names}) must be grouped by window_start, window_end and exactly those columns`,
    span: stmt.groupBy[0]?.span ?? stmt.span,
    hint: `GROUP BY window_start, window_end, ${names}`,
  });
}

function bindAggCall(e: Expr & { kind: 'call' }, binder: ExprBinder, errors: Diagnostic[]): AggCall | null {
  const fn = e.name.name.toUpperCase() as AggCall['fn'];
  if (e.distinct) {
    errors.push({ code: 'unsupported', message: `${fn}(DISTINCT ...) is not supported yet`, span: e.span });
    return null;
  }
  if (e.star) {
    if (fn !== 'COUNT') {
      errors.push({ code: 'bad-argument', message: `${fn}(*) is not valid; only COUNT(*) is`, span: e.span });
      return null;
    }
    return { fn, type: BIGINT, nullable: false, span: e.span };
  }
  if (e.args.length !== 1) {
    errors.push({ code: 'bad-argument', message: `${fn}() takes exactly one argument`, span: e.span });
    return null;
  }
  const nested = e.args.some(function has(a: Expr): boolean {
    return (a.kind === 'call' && AGGREGATES.has(a.name.name.toUpperCase())) || someChild(a, has);
  });
  if (nested) {
    errors.push({ code: 'misplaced-aggregate', message: 'aggregate calls cannot be nested', span: e.span });
    return null;
  }
  const arg = binder.bind(e.args[0]!);
  if (!arg) return null;
  const type = aggResultType(fn, arg.type);
  if (!type) {
    errors.push({ code: 'type-mismatch', message: `${fn} cannot take ${typeToString(arg.type)}`, span: e.span, hint: fn === 'SUM' || fn === 'AVG' ? `${fn} needs a numeric argument` : undefined });
    return null;
  }
  return { fn, arg, type, nullable: fn === 'COUNT' ? false : arg.nullable, span: e.span };
}

/** SUM of integers is BIGINT and of DECIMAL(p,s) DECIMAL(18,s); AVG is DOUBLE (as DuckDB and Spark). */
export function aggResultType(fn: AggCall['fn'], t: SqlType): SqlType | undefined {
  switch (fn) {
    case 'COUNT':
      return BIGINT;
    case 'SUM':
      if (t.id === 'INT' || t.id === 'BIGINT') return BIGINT;
      if (t.id === 'DECIMAL') return { id: 'DECIMAL', precision: 18, scale: t.scale };
      return t.id === 'DOUBLE' ? DOUBLE : undefined;
    case 'AVG':
      return isNumeric(t) ? DOUBLE : undefined;
    case 'MIN':
    case 'MAX':
      return t.id === 'INTERVAL' || t.id === 'NULL' ? undefined : t;
  }
}

/** A structural key for an expression: equal for the same expression written with other spacing or case. */
export function astKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => {
    if (k === 'span') return undefined;
    if (v && typeof v === 'object' && 'quoted' in v && v.quoted === false) return { name: String(v.name).toLowerCase() };
    return v;
  });
}

