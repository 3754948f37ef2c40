// Binds AST expressions against a scope: resolves names, types literals and picks function kernels.
import type { Expr, TypeName } from '../parser/ast.ts';
import { type Diagnostic, type Span, didYouMean } from '../parser/errors.ts';
import type { BoundExpr } from './bound-expr.ts';
import { castKernel } from './functions/cast.ts';
import { unify } from './functions/conditional.ts';
import { functionNames, hasFunction, resolveFunction } from './functions/registry.ts';
import type { Scope } from './scope.ts';
import { parseTimestamp } from './timestamp.ts';
import { MAX_DECIMAL_PRECISION, type SqlType, typeToString } from './types.ts';

export const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

/** Lets the SELECT binder take over some nodes (group keys, aggregate calls after GROUP BY). */
export type Rewrite = (e: Expr) => BoundExpr | null | undefined; // null: failed (reported); undefined: bind normally

export class ExprBinder {
  constructor(
    private readonly scope: Scope,
    private readonly errors: Diagnostic[],
    private readonly rewrite?: Rewrite,
    /** Why aggregates are not allowed here ('WHERE'), or undefined when the rewrite handles them. */
    private readonly noAggregatesIn?: string,
  ) {}

  bind(e: Expr): BoundExpr | null {
    const r = this.rewrite?.(e);
    if (r !== undefined) return r;
    switch (e.kind) {
      case 'column': {
        const idx = this.scope.resolve(e.name, e.table);
        if (typeof idx !== 'number') return this.fail(idx);
        const c = this.scope.columns[idx]!;
        return { kind: 'column-ref', index: idx, name: c.name, type: c.field.type, nullable: c.field.nullable };
      }
      case 'star':
        return this.fail({ code: 'misplaced-star', message: '"*" is only allowed in a SELECT list or COUNT(*)', span: e.span });
      case 'number':
        return numberLiteral(e.text, e.span, this.errors);
      case 'string':
        return { kind: 'literal', value: e.value, type: { id: 'VARCHAR' }, nullable: false };
      case 'boolean':
        return { kind: 'literal', value: e.value, type: { id: 'BOOLEAN' }, nullable: false };
      case 'null':
        return { kind: 'literal', value: null, type: { id: 'NULL' }, nullable: true };
      case 'interval':
        return { kind: 'literal', value: e.ms, type: { id: 'INTERVAL' }, nullable: false };
      case 'timestamp': {
        const ms = parseTimestamp(e.text);
        if (ms === undefined)
          return this.fail({ code: 'bad-literal', message: `"${e.text}" is not a valid TIMESTAMP`, span: e.span, hint: "write TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.fff]'" });
        return { kind: 'literal', value: ms, type: { id: 'TIMESTAMP', precision: 3 }, nullable: false };
      }
      case 'binary':
        return this.call(e.op, [e.left, e.right], e.span);
      case 'unary':
        if (e.op === '+') return this.bind(e.operand);
        if (e.op === '-' && e.operand.kind === 'number') return numberLiteral('-' + e.operand.text, e.span, this.errors);
        return this.call(e.op === '-' ? 'NEG' : 'NOT', [e.operand], e.span);
      case 'is-null':
        return this.call(e.negated ? 'IS NOT NULL' : 'IS NULL', [e.operand], e.span);
      case 'between': {
        const both = this.call('AND', [], e.span, [
          this.call('>=', [e.operand, e.low], e.span),
          this.call('<=', [e.operand, e.high], e.span),
        ]);
        return e.negated && both ? this.resolved('NOT', [both], e.span) : both;
      }
      case 'in-list': {
        const r = this.call('IN', [e.operand, ...e.list], e.span);
        return e.negated && r ? this.resolved('NOT', [r], e.span) : r;
      }
      case 'like': {
        const r = this.call('LIKE', [e.operand, e.pattern], e.span);
        return e.negated && r ? this.resolved('NOT', [r], e.span) : r;
      }
      case 'cast': {
        const operand = this.bind(e.operand);
        const to = bindTypeName(e.type, this.errors);
        if (!operand || !to) return null;
        const kernel = castKernel(operand.type, to);
        if (!kernel)
          return this.fail({ code: 'bad-cast', message: `cannot CAST ${typeToString(operand.type)} to ${typeToString(to)}`, span: e.span });
        return { kind: 'call', fn: `CAST ${typeToString(to)}`, args: [operand], kernel, type: to, nullable: operand.nullable };
      }
      case 'case':
        return this.caseExpr(e);
      case 'call': {
        const name = e.name.name.toUpperCase();
        // An unknown name is the mistake to report, before anything about its arguments.
        if (!AGGREGATES.has(name) && !hasFunction(name)) {
          const suggestion = didYouMean(name, [...functionNames(), ...AGGREGATES]);
          return this.fail({
            code: 'unknown-function',
            message: `function ${e.name.name}() does not exist`,
            span: e.name.span,
            hint: suggestion ? `did you mean ${suggestion}()?` : undefined,
          });
        }
        if (AGGREGATES.has(name))
          return this.fail({
            code: 'misplaced-aggregate',
            message: `aggregate ${name}() is not allowed in ${this.noAggregatesIn ?? 'this place'}`,
            span: e.span,
          });
        if (e.star || e.distinct)
          return this.fail({ code: 'syntax-error', message: `${name}(${e.star ? '*' : 'DISTINCT ...'}) is only valid for aggregates`, span: e.span });
        return this.call(name, e.args, e.span, undefined, e.name.span);
      }
    }
  }

  private caseExpr(e: Expr & { kind: 'case' }): BoundExpr | null {
    const whens: { when: BoundExpr; then: BoundExpr }[] = [];
    let ok = true;
    for (const w of e.whens) {
      const cond = e.operand ? this.call('=', [e.operand, w.when], w.when.span) : this.bind(w.when);
      const then = this.bind(w.then);
      if (!cond || !then) ok = false;
      else if (cond.type.id !== 'BOOLEAN' && cond.type.id !== 'NULL') {
        this.errors.push({ code: 'type-mismatch', message: `CASE WHEN needs a BOOLEAN condition, found ${typeToString(cond.type)}`, span: w.when.span });
        ok = false;
      } else whens.push({ when: cond, then });
    }
    const other = e.else ? this.bind(e.else) : undefined;
    if (!ok || other === null) return null;
    const type = unify([...whens.map((w) => w.then.type), ...(other ? [other.type] : [])]);
    if (!type)
      return this.fail({ code: 'type-mismatch', message: 'the THEN and ELSE branches of CASE have incompatible types', span: e.span });
    const nullable = !other || other.nullable || whens.some((w) => w.then.nullable);
    return {
      kind: 'case',
      whens: whens.map((w) => ({ when: w.when, then: coerce(w.then, type) })),
      else: other && coerce(other, type),
      type: type.id === 'NULL' ? { id: 'INT' } : type,
      nullable,
    };
  }

  /** Binds the arguments (all of them, to report every error) and resolves `name`. */
  private call(name: string, args: readonly Expr[], span: Span, bound?: (BoundExpr | null)[], nameSpan?: Span): BoundExpr | null {
    const b = bound ?? args.map((a) => this.bind(a));
    if (b.some((x) => x === null)) return null;
    return this.resolved(name, b as BoundExpr[], span, nameSpan);
  }

  private resolved(name: string, rawArgs: readonly BoundExpr[], span: Span, nameSpan?: Span): BoundExpr | null {
    const args = coerceLiterals(rawArgs);
    const r = resolveFunction(name, args.map((a) => a.type));
    if (!r.ok) {
      if (r.expected.length === 0) {
        const suggestion = didYouMean(name, functionNames());
        return this.fail({
          code: 'unknown-function',
          message: `function ${name}() does not exist`,
          span: nameSpan ?? span,
          hint: suggestion ? `did you mean ${suggestion}()?` : undefined,
        });
      }
      const found = args.map((a) => typeToString(a.type)).join(', ');
      return this.fail({
        code: 'type-mismatch',
        message: `${name} cannot take (${found}); expected ${r.expected.join(' or ')}`,
        span,
      });
    }
    const { type, kernel, introducesNull, neverNull } = r.resolved;
    const preferred = unify(args.map((a) => a.type)) ?? type;
    const typedArgs = args.map((a) => (a.type.id === 'NULL' ? coerce(a, name === 'AND' || name === 'OR' || name === 'NOT' ? { id: 'BOOLEAN' } : preferred.id === 'NULL' ? type : preferred) : a));
    const nullable = neverNull ? false : !!introducesNull || typedArgs.some((a) => a.nullable);
    return { kind: 'call', fn: r.fn.name, args: typedArgs, kernel, type: type.id === 'NULL' ? { id: 'INT' } : type, nullable };
  }

  private fail(d: Diagnostic): null {
    this.errors.push(d);
    return null;
  }
}

/** A string literal compared with a TIMESTAMP is read as a timestamp, as Flink and DuckDB do. */
function coerceLiterals(args: readonly BoundExpr[]): BoundExpr[] {
  if (!args.some((a) => a.type.id === 'TIMESTAMP')) return [...args];
  return args.map((a) => {
    if (a.kind !== 'literal' || a.type.id !== 'VARCHAR') return a;
    const ms = parseTimestamp(a.value as string);
    return ms === undefined ? a : { kind: 'literal', value: ms, type: { id: 'TIMESTAMP', precision: 3 }, nullable: false };
  });
}

/** Gives an expression the target type: NULL literals take it; other types are cast. */
export function coerce(e: BoundExpr, to: SqlType): BoundExpr {
  if (typeToString(e.type) === typeToString(to)) return e;
  if (e.kind === 'literal' && e.value === null) return { ...e, type: to };
  const kernel = castKernel(e.type, to);
  if (!kernel) return e;
  return { kind: 'call', fn: `CAST ${typeToString(to)}`, args: [e], kernel, type: to, nullable: e.nullable };
}

/** Integer literals are INT, or BIGINT when they do not fit; `1.5` is DECIMAL(2,1); `1e3` is DOUBLE. */
export function numberLiteral(text: string, span: Span, errors: Diagnostic[]): BoundExpr | null {
  if (/[eE]/.test(text)) return { kind: 'literal', value: Number(text), type: { id: 'DOUBLE' }, nullable: false };
  const digits = text.replace(/^[+-]/, '');
  if (!digits.includes('.')) {
    const v = BigInt(text);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return { kind: 'literal', value: Number(v), type: { id: 'INT' }, nullable: false };
    if (v >= -(2n ** 63n) && v < 2n ** 63n)
      return { kind: 'literal', value: Number.isSafeInteger(Number(v)) ? Number(v) : v, type: { id: 'BIGINT' }, nullable: false };
    errors.push({ code: 'bad-literal', message: `integer ${text} does not fit in BIGINT`, span });
    return null;
  }
  const [int = '', frac = ''] = digits.split('.');
  const scale = frac.length;
  const precision = Math.max(int.replace(/^0+/, '').length + scale, 1);
  if (precision > MAX_DECIMAL_PRECISION) return { kind: 'literal', value: Number(text), type: { id: 'DOUBLE' }, nullable: false };
  return { kind: 'literal', value: Number(text), type: { id: 'DECIMAL', precision, scale }, nullable: false };
}

export function bindTypeName(t: TypeName, errors: Diagnostic[]): SqlType | null {
  switch (t.name) {
    case 'DECIMAL':
      if (t.precision < 1 || t.precision > MAX_DECIMAL_PRECISION || t.scale < 0 || t.scale > t.precision) {
        errors.push({
          code: 'unsupported',
          message: `DECIMAL(${t.precision}, ${t.scale}) is not supported: precision must be 1 to ${MAX_DECIMAL_PRECISION} and scale 0 to precision`,
          span: t.span,
          hint: 'use DOUBLE for larger numbers',
        });
        return null;
      }
      return { id: 'DECIMAL', precision: t.precision, scale: t.scale };
    case 'TIMESTAMP':
      return { id: 'TIMESTAMP', precision: 3 };
    default:
      return { id: t.name };
  }
}
