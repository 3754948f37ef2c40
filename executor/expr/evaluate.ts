// Evaluates bound expressions over a batch, a column at a time.
import type * as A from 'apache-arrow';
import type { BoundExpr } from '../../planner/bound-expr.ts';
import type { Col } from '../../planner/functions/column.ts';
import { selectRows } from '../../planner/functions/conditional.ts';
import type { SqlType } from '../../planner/types.ts';
import { fromCol, toCol } from '../vector/columns.ts';

/** Evaluates an expression over the columns of one batch. */
export type Evaluator = (columns: readonly A.Data[], n: number) => Col;

export function compile(e: BoundExpr): Evaluator {
  switch (e.kind) {
    case 'column-ref': {
      const { index, type } = e;
      return (cols) => toCol(cols[index]!, type);
    }
    case 'literal':
      return constant(e.value, e.type);
    case 'call': {
      const args = e.args.map(compile);
      const kernel = e.kernel;
      return (cols, n) => kernel(args.map((a) => a(cols, n)), n);
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ when: compile(w.when), then: compile(w.then) }));
      const other = e.else ? compile(e.else) : undefined;
      const kind = kindOf(e.type);
      return (cols, n) => {
        // Evaluates every branch over the whole batch, then picks per row: simple, and branches are cheap.
        const choose = new Int32Array(n).fill(-1);
        const values: Col[] = [];
        whens.forEach((w, k) => {
          const c = w.when(cols, n);
          const v = c.values as Uint8Array;
          for (let i = 0; i < n; i++) if (choose[i] === -1 && v[i] && !c.nulls?.[i]) choose[i] = k;
          values.push(w.then(cols, n));
        });
        if (other) {
          const elseIndex = values.length;
          values.push(other(cols, n));
          for (let i = 0; i < n; i++) if (choose[i] === -1) choose[i] = elseIndex;
        }
        return selectRows(values, choose, n, kind);
      };
    }
  }
}

function kindOf(t: SqlType): Col['kind'] {
  return t.id === 'VARCHAR' ? 'str' : t.id === 'BOOLEAN' ? 'bool' : 'num';
}

function constant(value: unknown, type: SqlType): Evaluator {
  const kind = kindOf(type);
  return (_cols, n) => {
    const nulls = value === null ? new Uint8Array(n).fill(1) : null;
    if (kind === 'str') return { kind, values: new Array<string>(n).fill(value === null ? '' : String(value)), nulls };
    if (kind === 'bool') return { kind, values: new Uint8Array(n).fill(value ? 1 : 0), nulls };
    return { kind, values: new Float64Array(n).fill(value === null ? 0 : Number(value)), nulls };
  };
}

/** Evaluates to an Arrow column; a plain column reference is passed through without a copy. */
export function compileToData(e: BoundExpr): (columns: readonly A.Data[], n: number) => A.Data {
  if (e.kind === 'column-ref') {
    const index = e.index;
    return (cols) => cols[index]!;
  }
  const ev = compile(e);
  const type = e.type;
  return (cols, n) => fromCol(ev(cols, n), type, n);
}
