// Window table-valued functions (TUMBLE(TABLE t, DESCRIPTOR(ts), size)) and their short form.
import type { Expr, FromItem, Ident, TvfArg } from '../parser/ast.ts';
import type { Diagnostic, Span } from '../parser/errors.ts';
import { ExprBinder } from './bind-expr.ts';
import type { LogicalPlan, WindowSpec } from './logical-plan.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { TIMESTAMP } from './types.ts';

export const WINDOW_FUNCTIONS = ['TUMBLE', 'HOP', 'CUMULATE', 'SESSION'];
const PARAMS: Record<string, string[]> = {
  TUMBLE: ['DATA', 'TIMECOL', 'SIZE', 'OFFSET'],
  HOP: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE', 'OFFSET'],
  CUMULATE: ['DATA', 'TIMECOL', 'STEP', 'SIZE', 'OFFSET'],
  SESSION: ['DATA', 'TIMECOL', 'GAP'],
};

export interface Bound {
  readonly plan: LogicalPlan;
  readonly scope: Scope;
  /** Below a SESSION window with PARTITION BY: the scope columns its GROUP BY must group by. */
  readonly partitionBy?: readonly number[];
}

/** What a window call says, before its input is bound. */
export interface WindowCall {
  readonly name: string; // upper case
  readonly table?: Ident; // DATA
  readonly timeColumn?: Ident; // TIMECOL
  readonly size?: Expr;
  /** HOP's SLIDE or CUMULATE's STEP. */
  readonly step?: Expr;
  /** SESSION's `TABLE t PARTITION BY k`: the keys sessions are kept apart by. */
  readonly partitionBy?: readonly Ident[];
  readonly offset?: Expr;
  readonly span: Span;
}

export function unsupportedWindow(name: string, span: Span): Diagnostic {
  return {
    code: 'unsupported',
    message: `${name} windows are not supported yet`,
    span,
    hint: 'TUMBLE, HOP, CUMULATE and SESSION windows are supported',
  };
}

/** Reads the arguments of `TABLE(TUMBLE(...))` or the short form `TUMBLE(t, ts, size)`, positional or named. */
export function readWindowCall(item: FromItem & { kind: 'tvf' | 'function-ref' }, errors: Diagnostic[]): WindowCall | null {
  const name = item.name.name.toUpperCase();
  if (!WINDOW_FUNCTIONS.includes(name)) {
    errors.push({
      code: 'unknown-function',
      message: `table function ${item.name.name}() does not exist`,
      span: item.name.span,
      hint: 'window functions are TUMBLE, HOP, CUMULATE and SESSION',
    });
    return null;
  }
  if (!PARAMS[name]) {
    errors.push(unsupportedWindow(name, item.name.span));
    return null;
  }
  const params = PARAMS[name]!;
  const slots = new Map<string, TvfArg | Expr>();
  let position = 0;
  for (const a of item.args) {
    // Only TVF arguments can be named (`SIZE => INTERVAL ...`); the short form is positional.
    const named = item.kind === 'tvf' ? (a as TvfArg).name : undefined;
    const param = named ? named.name.toUpperCase() : params[position++];
    if (!param || !params.includes(param)) {
      errors.push({
        code: 'bad-argument',
        message: param ? `${name}() has no parameter ${param}` : `${name}() takes at most ${params.length} arguments`,
        span: a.span,
        hint: `${name}(${params.join(', ')})`,
      });
      return null;
    }
    slots.set(param, a);
  }
  const table = asTable(slots.get('DATA'));
  const timeColumn = asColumn(slots.get('TIMECOL'));
  const size = asExpr(slots.get(name === 'SESSION' ? 'GAP' : 'SIZE'));
  const offset = asExpr(slots.get('OFFSET'));
  const stepName = name === 'HOP' ? 'SLIDE' : name === 'CUMULATE' ? 'STEP' : undefined;
  const step = stepName ? asExpr(slots.get(stepName)) : undefined;
  const missing = !table
    ? 'DATA (the table)'
    : !timeColumn
      ? 'TIMECOL (the time attribute)'
      : stepName && !step
        ? stepName
        : !size
          ? name === 'SESSION' ? 'GAP' : 'SIZE'
          : undefined;
  if (missing) {
    errors.push({
      code: 'bad-argument',
      message: `${name}() needs ${missing}`,
      span: item.span,
      hint: `write ${name}(TABLE t, DESCRIPTOR(event_time), ${stepName ? "INTERVAL '1' MINUTE, " : ''}INTERVAL '10' MINUTES)`,
    });
    return null;
  }
  const data = slots.get('DATA');
  const partitionBy = data?.kind === 'table-arg' && data.partitionBy.length > 0 ? data.partitionBy : undefined;
  return { name, table, timeColumn, size, step, offset, partitionBy, span: item.span };
}

function asTable(a: TvfArg | Expr | undefined): Ident | undefined {
  if (!a) return undefined;
  if (a.kind === 'table-arg') return a.table;
  if (a.kind === 'column' && !a.table) return a.name;
  return undefined;
}

function asColumn(a: TvfArg | Expr | undefined): Ident | undefined {
  if (!a) return undefined;
  if (a.kind === 'descriptor-arg' && a.columns.length === 1) return a.columns[0];
  if (a.kind === 'column' && !a.table) return a.name;
  return undefined;
}

function asExpr(a: TvfArg | Expr | undefined): Expr | undefined {
  if (!a) return undefined;
  if (a.kind === 'expr-arg') return a.expr;
  if (a.kind === 'table-arg' || a.kind === 'descriptor-arg') return undefined;
  return a;
}

/** An INTERVAL constant in milliseconds (sizes, offsets), or a diagnostic. */
export function intervalConstant(e: Expr, what: string, errors: Diagnostic[], allowZero = false): number | null {
  const bound = new ExprBinder(new Scope([]), errors, undefined, what).bind(e);
  if (!bound) return null;
  if (bound.kind !== 'literal' || bound.type.id !== 'INTERVAL' || typeof bound.value !== 'number') {
    errors.push({ code: 'bad-argument', message: `${what} must be an INTERVAL constant`, span: e.span, hint: "e.g. INTERVAL '10' MINUTES" });
    return null;
  }
  if (bound.value < 0 || (!allowZero && bound.value === 0)) {
    errors.push({ code: 'bad-argument', message: `${what} must be a positive interval`, span: e.span });
    return null;
  }
  return bound.value;
}

/**
 * Puts a window over `input`: checks the time attribute, then appends window_start, window_end and
 * window_time (the new time attribute; the old one becomes a plain TIMESTAMP, as in Flink).
 */
export function applyWindow(input: Bound, call: WindowCall, errors: Diagnostic[]): Bound | null {
  const idx = input.scope.resolve(call.timeColumn!);
  const size = intervalConstant(call.size!, call.name === 'SESSION' ? 'the session gap' : 'the window size', errors);
  const step = call.step ? intervalConstant(call.step, `the window ${call.name === 'HOP' ? 'slide' : 'step'}`, errors) : size;
  const offset = call.offset ? intervalConstant(call.offset, 'the window offset', errors, true) : 0;
  if (typeof idx !== 'number') {
    errors.push(idx);
    return null;
  }
  const col = input.scope.columns[idx]!;
  if (!col.timeAttribute) {
    errors.push({
      code: 'not-time-attribute',
      message: `"${col.name}" is not an event-time attribute, so it cannot drive a ${call.name} window`,
      span: call.timeColumn!.span,
      hint: `declare WATERMARK FOR ${col.name} AS ${col.name} - INTERVAL '5' SECOND in CREATE TABLE`,
    });
    return null;
  }
  if (size === null || offset === null || step === null) return null;
  if (call.name === 'CUMULATE' && (size % step !== 0 || step > size)) {
    errors.push({ code: 'bad-argument', message: 'a CUMULATE window size must be a whole multiple of its step', span: call.size!.span });
    return null;
  }
  if (call.name === 'HOP' && step > size) {
    errors.push({ code: 'bad-argument', message: 'a HOP window slide must not be larger than its size', span: call.step!.span, hint: 'rows between windows would belong to none' });
    return null;
  }
  if (offset >= size) {
    errors.push({ code: 'bad-argument', message: 'the window offset must be smaller than the window size', span: call.offset!.span });
    return null;
  }
  const kind = call.name === 'HOP' ? 'hop' : call.name === 'CUMULATE' ? 'cumulate' : call.name === 'SESSION' ? 'session' : 'tumble';
  const partitionBy: number[] = [];
  for (const p of call.partitionBy ?? []) {
    const at = input.scope.resolve(p);
    if (typeof at !== 'number') {
      errors.push(at);
      return null;
    }
    partitionBy.push(at);
  }
  const window: WindowSpec = { kind, timeColumn: idx, timeName: col.name, size, step, offset };
  const table = col.table;
  const added: ScopeColumn[] = [
    { name: 'window_start', table, field: { name: 'window_start', type: TIMESTAMP, nullable: false }, timeAttribute: false },
    { name: 'window_end', table, field: { name: 'window_end', type: TIMESTAMP, nullable: false }, timeAttribute: false },
    { name: 'window_time', table, field: { name: 'window_time', type: TIMESTAMP, nullable: false }, timeAttribute: true },
  ];
  const scope = new Scope([...input.scope.columns.map((c) => ({ ...c, timeAttribute: false })), ...added]);
  return { plan: { kind: 'window', input: input.plan, window, schema: scope.schema }, scope, ...(partitionBy.length ? { partitionBy } : {}) };
}
