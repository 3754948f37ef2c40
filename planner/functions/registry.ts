// Looks up scalar functions and operators by name and argument types.
import type { SqlType } from '../types.ts';
import type { Kernel } from './column.ts';
import { ARITHMETIC } from './arithmetic.ts';
import { COMPARISON } from './comparison.ts';
import { CONDITIONAL } from './conditional.ts';
import { STRING } from './string.ts';
import { TIME } from './time.ts';

export interface Resolved {
  readonly type: SqlType;
  readonly kernel: Kernel;
  /** True when the result can be NULL although no argument is (e.g. division by zero). */
  readonly introducesNull?: boolean;
  /** True when the result is never NULL (IS NULL, COALESCE with a non-null argument is left to the binder). */
  readonly neverNull?: boolean;
}

export interface ScalarFunction {
  /** Upper-case SQL name, or the operator symbol ('+', '=', 'AND'). */
  readonly name: string;
  /** How it is called, for "expected" messages: 'UPPER(VARCHAR)'. */
  readonly signature: string;
  resolve(args: readonly SqlType[]): Resolved | undefined;
}

const ALL: readonly ScalarFunction[] = [...ARITHMETIC, ...COMPARISON, ...CONDITIONAL, ...STRING, ...TIME];

const BY_NAME = new Map<string, ScalarFunction[]>();
for (const f of ALL) {
  const list = BY_NAME.get(f.name) ?? [];
  list.push(f);
  BY_NAME.set(f.name, list);
}

/** Synonyms Flink and DuckDB users write. */
const ALIASES: Record<string, string> = {
  CEILING: 'CEIL',
  LENGTH: 'CHAR_LENGTH',
  CHARACTER_LENGTH: 'CHAR_LENGTH',
  UCASE: 'UPPER',
  LCASE: 'LOWER',
  POW: 'POWER',
  SUBSTR: 'SUBSTRING',
  DAY: 'DAYOFMONTH',
  IFNULL: 'COALESCE',
  '!=': '<>',
};

export function canonicalName(name: string): string {
  const upper = name.toUpperCase();
  return ALIASES[upper] ?? upper;
}

export function hasFunction(name: string): boolean {
  return BY_NAME.has(canonicalName(name));
}

export function functionNames(): string[] {
  return [...BY_NAME.keys()].filter((n) => /^[A-Z]/.test(n));
}

export type Resolution = { readonly ok: true; readonly fn: ScalarFunction; readonly resolved: Resolved } | { readonly ok: false; readonly expected: string[] };

export function resolveFunction(name: string, args: readonly SqlType[]): Resolution {
  const candidates = BY_NAME.get(canonicalName(name)) ?? [];
  for (const fn of candidates) {
    const resolved = fn.resolve(args);
    if (resolved) return { ok: true, fn, resolved };
  }
  return { ok: false, expected: candidates.map((c) => c.signature) };
}
