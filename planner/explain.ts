// EXPLAIN text: one line per operator with its window, keys, state and watermark handling.
import { type BoundExpr, aggToString, exprToString, formatDuration } from './bound-expr.ts';
import type { WindowSpec } from './logical-plan.ts';
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
      return `WindowAssign: ${windowText(s.window)} adds window_start, window_end, window_time${s.window.kind === 'tumble' ? '' : ' (a row per window it falls in)'}`;
    case 'window-aggregate': {
      const keys = s.groups.flatMap((g) => (g.kind === 'key' ? [exprToString(g.expr)] : []));
      const w = s.window;
      return [
        `${AGGREGATE_NAMES[w.kind]}: time=${w.timeName}, ${windowParams(w)}`,
        `key=[${keys.join(', ')}]`,
        `aggs=[${s.aggregates.map(aggToString).join(', ')}]`,
        w.kind === 'session' ? 'state=open sessions per key, dropped when they fire' : 'state=groups per open window, dropped when it fires',
        w.kind === 'session'
          ? 'fires when watermark >= session end; late rows (touching no open session, t + gap <= watermark) dropped and counted'
          : 'fires when watermark >= window_end; late rows (window_end <= watermark) dropped and counted',
      ].join(', ');
    }
  }
}

const AGGREGATE_NAMES: Record<WindowSpec['kind'], string> = {
  tumble: 'TumblingAggregate',
  hop: 'HoppingAggregate',
  cumulate: 'CumulatingAggregate',
  session: 'SessionAggregate',
};

function windowParams(w: WindowSpec): string {
  if (w.kind === 'session') return `gap=${formatDuration(w.size)}, sessions per key merge when their rows are within the gap`;
  const step = w.kind === 'hop' ? `, slide=${formatDuration(w.step)}` : w.kind === 'cumulate' ? `, step=${formatDuration(w.step)}` : '';
  return `width=${formatDuration(w.size)}${step}${w.offset ? `, offset=${formatDuration(w.offset)}` : ''}`;
}

function windowText(w: WindowSpec): string {
  return `${w.kind.toUpperCase()}(${w.timeName}, ${windowParams(w)})`;
}
