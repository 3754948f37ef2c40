// Visits the direct children of AST expressions.
import type { Expr } from '../parser/ast.ts';

export function forEachChild(e: Expr, f: (c: Expr) => void): void {
  someChild(e, (c) => {
    f(c);
    return false;
  });
}

export function someChild(e: Expr, f: (c: Expr) => boolean): boolean {
  switch (e.kind) {
    case 'call':
      return e.args.some(f);
    case 'binary':
      return f(e.left) || f(e.right);
    case 'unary':
    case 'is-null':
    case 'cast':
      return f(e.operand);
    case 'between':
      return f(e.operand) || f(e.low) || f(e.high);
    case 'in-list':
      return f(e.operand) || e.list.some(f);
    case 'like':
      return f(e.operand) || f(e.pattern);
    case 'case':
      return (!!e.operand && f(e.operand)) || e.whens.some((w) => f(w.when) || f(w.then)) || (!!e.else && f(e.else));
    default:
      return false;
  }
}
