// Expressions after binding: column references by index, resolved functions and types.
import type { Span } from '../parser/errors.ts';
import type { Kernel } from './functions/column.ts';
import type { SqlType } from './types.ts';

export type BoundExpr =
  | { readonly kind: 'column-ref'; readonly index: number; readonly name: string; readonly type: SqlType; readonly nullable: boolean }
  /** value: null, boolean, number (TIMESTAMP/INTERVAL in ms, DECIMAL as its value), string, or bigint (BIGINT beyond 2^53) */
  | { readonly kind: 'literal'; readonly value: null | boolean | number | string | bigint; readonly type: SqlType; readonly nullable: boolean }
  | {
      readonly kind: 'call';
      readonly fn: string; // display name, e.g. '+', 'UPPER'
      readonly args: readonly BoundExpr[];
      readonly kernel: Kernel;
      readonly type: SqlType;
      readonly nullable: boolean;
    }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
      readonly else?: BoundExpr;
      readonly type: SqlType;
      readonly nullable: boolean;
    };

/** An aggregate call in GROUP BY queries. */
export interface AggCall {
  readonly fn: 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
  readonly arg?: BoundExpr; // undefined for COUNT(*)
  readonly type: SqlType; // result type
  readonly nullable: boolean;
  readonly span?: Span;
}

export function aggToString(a: AggCall): string {
  return `${a.fn}(${a.arg ? exprToString(a.arg) : '*'})`;
}

export function exprToString(e: BoundExpr): string {
  switch (e.kind) {
    case 'column-ref':
      return e.name;
    case 'literal':
      return literalToString(e.value, e.type);
    case 'call':
      if (e.args.length === 2 && /^[^A-Z]/.test(e.fn)) return `${wrap(e.args[0]!)} ${e.fn} ${wrap(e.args[1]!)}`;
      if (e.fn === 'IS NULL' || e.fn === 'IS NOT NULL') return `${wrap(e.args[0]!)} ${e.fn}`;
      if (e.fn === 'NOT' || e.fn === 'NEG') return `${e.fn === 'NOT' ? 'NOT ' : '-'}${wrap(e.args[0]!)}`;
      if (e.fn.startsWith('CAST')) return `CAST(${exprToString(e.args[0]!)} AS ${e.fn.slice(5)})`;
      return `${e.fn}(${e.args.map(exprToString).join(', ')})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${exprToString(w.when)} THEN ${exprToString(w.then)}`).join(' ')}${
        e.else ? ` ELSE ${exprToString(e.else)}` : ''
      } END`;
  }
}

function wrap(e: BoundExpr): string {
  const s = exprToString(e);
  return e.kind === 'call' && e.args.length === 2 && /^[^A-Z]/.test(e.fn) ? `(${s})` : s;
}

function literalToString(v: BoundExpr & { kind: 'literal' } extends { value: infer V } ? V : never, t: SqlType): string {
  if (v === null) return 'NULL';
  if (t.id === 'INTERVAL') return formatDuration(v as number);
  if (t.id === 'TIMESTAMP') return `TIMESTAMP '${new Date(v as number).toISOString().replace('T', ' ').replace('Z', '')}'`;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

/** 5000 → '5s', 600000 → '10m', 90000 → '1m30s'. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.join('');
}

export function columnsUsed(e: BoundExpr, into: Set<number> = new Set()): Set<number> {
  switch (e.kind) {
    case 'column-ref':
      into.add(e.index);
      break;
    case 'literal':
      break;
    case 'call':
      for (const a of e.args) columnsUsed(a, into);
      break;
    case 'case':
      for (const w of e.whens) {
        columnsUsed(w.when, into);
        columnsUsed(w.then, into);
      }
      if (e.else) columnsUsed(e.else, into);
      break;
  }
  return into;
}

/** Rewrites column indices (after pruning or pushing an expression through a node). */
export function remapColumns(e: BoundExpr, map: (index: number) => number): BoundExpr {
  switch (e.kind) {
    case 'column-ref':
      return { ...e, index: map(e.index) };
    case 'literal':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => remapColumns(a, map)) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: remapColumns(w.when, map), then: remapColumns(w.then, map) })),
        else: e.else && remapColumns(e.else, map),
      };
  }
}
