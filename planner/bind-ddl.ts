// CREATE TABLE → TableDef: column types, the watermark, and connector options checked up front.
import type { CreateTableStmt } from '../parser/ast.ts';
import type { Diagnostic, Span } from '../parser/errors.ts';
import { ExprBinder, bindTypeName } from './bind-expr.ts';
import type { Catalog, TableDef } from './catalog.ts';
import { Scope } from './scope.ts';
import { type Field, type SqlType, typeToString } from './types.ts';

/** Flink's option names, accepted as aliases of Tidemark's own (SPEC §1). */
const OPTION_ALIASES: Record<string, string> = {
  'scan.watermark.idle-timeout': 'watermark.idle-timeout',
  'csv.field-delimiter': 'csv.delimiter',
  'csv.null-literal': 'csv.null-literal',
  'json.ignore-parse-errors': 'format.ignore-parse-errors',
};
const CONNECTOR_ALIASES: Record<string, string> = { filesystem: 'file' };
const CONNECTORS = ['file', 'memory'];
const FORMATS = ['json', 'csv'];

/** The columns a dead-letter table may have, by name: which source, which line, what it held, why it failed. */
export const DEAD_LETTER_COLUMNS: Record<string, readonly SqlType['id'][]> = {
  source: ['VARCHAR'],
  line: ['BIGINT', 'INT'],
  raw: ['VARCHAR'],
  reason: ['VARCHAR'],
};

export function bindCreateTable(stmt: CreateTableStmt, text: string, baseDir: string, catalog: Catalog, errors: Diagnostic[]): TableDef | undefined {
  const before = errors.length;
  const fields: Field[] = [];
  for (const col of stmt.columns) {
    if (col.kind === 'computed-column') {
      errors.push({
        code: 'unsupported',
        message: `computed column "${col.name.name}" is not supported yet`,
        span: col.span,
        hint: 'compute the value in the SELECT that reads the table',
      });
      continue;
    }
    if (fields.some((f) => f.name.toLowerCase() === col.name.name.toLowerCase())) {
      errors.push({ code: 'duplicate-column', message: `column "${col.name.name}" is declared twice`, span: col.name.span });
      continue;
    }
    const type = bindTypeName(col.type, errors);
    if (type) fields.push({ name: col.name.name, type, nullable: !col.notNull });
  }
  const schema = { fields };

  let watermark: TableDef['watermark'];
  if (stmt.watermark) {
    const wm = stmt.watermark;
    const scope = Scope.of(schema, stmt.name.name);
    const idx = scope.resolve(wm.column);
    if (typeof idx !== 'number') errors.push(idx);
    else if (fields[idx]!.type.id !== 'TIMESTAMP')
      errors.push({
        code: 'type-mismatch',
        message: `WATERMARK FOR needs a TIMESTAMP(3) column; "${fields[idx]!.name}" is ${typeToString(fields[idx]!.type)}`,
        span: wm.column.span,
      });
    else {
      const bound = new ExprBinder(scope, errors, undefined, 'a WATERMARK').bind(wm.expr);
      if (bound && bound.type.id !== 'TIMESTAMP')
        errors.push({
          code: 'type-mismatch',
          message: `the watermark expression must be a TIMESTAMP, found ${typeToString(bound.type)}`,
          span: wm.expr.span,
          hint: `write e.g. ${fields[idx]!.name} - INTERVAL '5' SECOND`,
        });
      const exprText = sliceSpan(text, stmt.span, wm.expr.span);
      watermark = { column: fields[idx]!.name, expr: wm.expr, text: exprText };
    }
  }

  const options: Record<string, string> = {};
  for (const o of stmt.options) {
    const key = OPTION_ALIASES[o.key.toLowerCase()] ?? o.key.toLowerCase();
    options[key] = key === 'connector' ? (CONNECTOR_ALIASES[o.value.toLowerCase()] ?? o.value.toLowerCase()) : o.value;
  }
  const optionSpan = (key: string) => stmt.options.find((o) => (OPTION_ALIASES[o.key.toLowerCase()] ?? o.key.toLowerCase()) === key)?.span ?? stmt.name.span;
  const connector = options['connector'];
  if (!connector)
    errors.push({ code: 'missing-option', message: `table "${stmt.name.name}" has no 'connector' option`, span: stmt.name.span, hint: "add WITH ('connector' = 'file', 'path' = '...', 'format' = 'json') or 'memory'" });
  else if (!CONNECTORS.includes(connector))
    errors.push({ code: 'unknown-connector', message: `connector '${connector}' is not supported`, span: optionSpan('connector'), hint: `use one of: ${CONNECTORS.join(', ')}` });
  else if (connector === 'file') {
    if (!options['path']) errors.push({ code: 'missing-option', message: `file table "${stmt.name.name}" needs a 'path' option`, span: stmt.name.span });
    const format = options['format']?.toLowerCase();
    if (!format) errors.push({ code: 'missing-option', message: `file table "${stmt.name.name}" needs a 'format' option`, span: stmt.name.span, hint: "'format' = 'json' or 'csv'" });
    else if (!FORMATS.includes(format))
      errors.push({ code: 'unknown-format', message: `format '${options['format']}' is not supported`, span: optionSpan('format'), hint: `use one of: ${FORMATS.join(', ')}` });
    else options['format'] = format;
  }
  const onError = options['format.on-error'];
  let deadLetter: TableDef | undefined;
  if (onError === 'dead-letter') deadLetter = bindDeadLetter(options, optionSpan, catalog, errors);
  else if (onError !== undefined && onError !== 'fail' && onError !== 'skip')
    errors.push({
      code: 'bad-option',
      message: `'format.on-error' = '${onError}' is not a policy`,
      span: optionSpan('format.on-error'),
      hint: "use 'fail' (the default), 'skip', or 'dead-letter' with 'format.dead-letter-table'",
    });

  if (errors.length > before) return undefined;
  return { name: stmt.name.name, schema, watermark, options, baseDir, span: stmt.span, ...(deadLetter ? { deadLetter } : {}) };
}

/** 'format.dead-letter-table' names a file table declared before, with columns among source, line, raw and reason. */
function bindDeadLetter(options: Record<string, string>, optionSpan: (key: string) => Span, catalog: Catalog, errors: Diagnostic[]): TableDef | undefined {
  const name = options['format.dead-letter-table'];
  const span = optionSpan(name ? 'format.dead-letter-table' : 'format.on-error');
  const example = "CREATE TABLE bad_rows (source VARCHAR, line BIGINT, raw VARCHAR, reason VARCHAR) WITH ('connector' = 'file', 'path' = 'bad.jsonl', 'format' = 'json')";
  if (!name) {
    errors.push({ code: 'missing-option', message: "'format.on-error' = 'dead-letter' needs 'format.dead-letter-table' = '<table>'", span, hint: `declare it first: ${example}` });
    return undefined;
  }
  const table = catalog.get(name);
  if (!table || table.options['connector'] !== 'file') {
    errors.push({
      code: 'bad-option',
      message: table ? `dead-letter table "${name}" must be a file table` : `dead-letter table "${name}" is not declared`,
      span,
      hint: `declare it before this table: ${example}`,
    });
    return undefined;
  }
  const wrong = table.schema.fields.find((f) => !DEAD_LETTER_COLUMNS[f.name.toLowerCase()]?.includes(f.type.id));
  if (wrong) {
    errors.push({
      code: 'bad-option',
      message: `dead-letter table "${name}" has column "${wrong.name}" ${typeToString(wrong.type)}; it may only have source VARCHAR, line BIGINT, raw VARCHAR and reason VARCHAR`,
      span,
    });
    return undefined;
  }
  return table;
}

/** The text of `inner` within a statement whose own text starts at `outer`. */
export function sliceSpan(text: string, outer: { line: number; column: number }, inner: { line: number; column: number; endLine: number; endColumn: number }): string {
  const lines = text.split(/\r?\n/);
  const rel = (line: number, column: number) => {
    const l = line - outer.line;
    const c = l === 0 ? column - outer.column : column - 1;
    let off = 0;
    for (let i = 0; i < l; i++) off += lines[i]!.length + 1;
    return off + c;
  };
  return text.slice(rel(inner.line, inner.column), rel(inner.endLine, inner.endColumn));
}
