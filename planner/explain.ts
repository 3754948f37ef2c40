// EXPLAIN text: one line per operator with its window, keys, state and watermark handling.
import { type BoundExpr, aggToString, exprToString, formatDuration } from './bound-expr.ts';
import type { OperatorSpec } from './physical.ts';
import { changelogKind } from './physical.ts';

export function explain(root: OperatorSpec, sink?: string): string {
  const lines: string[] = [];
  const kind = changelogKind(root);
  lines.push(`Result: ${kind}${kind === 'append-only' ? ' (emits +I only)' : ' (emits +I, -U, +U, -D)'}${sink ? `, into ${sink}` : ''}`);
  let depth = 0;
  for (let s: OperatorSpec | undefined = root; s; s = s.kind === 'source' ? undefined : s.input) {
    lines.push(`${String(depth + 1).padStart(2, '0')})${'--'.repeat(depth)}${describe(s)}`);
    depth++;
  }
  return lines.join('\n');
}

function names(spec: OperatorSpec, exprs: readonly BoundExpr[]): string {
  return exprs.map((e, i) => {
    const name = spec.schema.fields[i]!.name;
    const text = exprToString(e);
    return text === name ? name : `${text} AS ${name}`;
  }).join(', ');
}

function describe(s: OperatorSpec): string {
  switch (s.kind) {
    case 'source': {
      const o = s.table.options;
      const where = o['connector'] === 'file' ? `file ${o['format']} ${o['path']}` : o['connector'];
      return `Scan: ${s.table.name} [${s.columns.join(', ')}] (${where})`;
    }
    case 'watermark-assigner':
      return `Watermark: ${exprToString(s.expr)} (max over all rows so far; the rows before each row set its watermark)`;
    case 'filter':
      return `Filter: ${exprToString(s.predicate)}`;
    case 'project':
      return `Project: ${names(s, s.exprs)}`;
    case 'window-assign':
      return `WindowAssign: TUMBLE(${s.window.timeName}, width=${formatDuration(s.window.size)}${s.window.offset ? `, offset=${formatDuration(s.window.offset)}` : ''}) adds window_start, window_end, window_time`;
    case 'tumbling-aggregate': {
      const keys = s.groups.flatMap((g) => (g.kind === 'key' ? [exprToString(g.expr)] : []));
      const w = s.window;
      return [
        `TumblingAggregate: time=${w.timeName}, width=${formatDuration(w.size)}${w.offset ? `, offset=${formatDuration(w.offset)}` : ''}`,
        `key=[${keys.join(', ')}]`,
        `aggs=[${s.aggregates.map(aggToString).join(', ')}]`,
        'state=groups per open window, dropped when it fires',
        'fires when watermark >= window_end; late rows (window_end <= watermark) dropped and counted',
      ].join(', ');
    }
  }
}
