// Builds statement and query AST nodes from the CST; each function is named after its grammar rule.
import type { CstNode } from 'chevrotain';
import type {
  ColumnDef,
  CreateTableStmt,
  ExplainStmt,
  FromItem,
  Ident,
  InsertStmt,
  SelectItem,
  SelectStmt,
  SetStmt,
  Statement,
  TableOption,
  TvfArg,
  WatermarkDef,
} from './ast.ts';
import { assertNever, type Span } from './errors.ts';
import * as T from './tokens.ts';
import {
  type AstContext,
  identOf,
  needNode,
  needToken,
  node,
  nodes,
  oneOf,
  spanFrom,
  spanOf,
  stringValue,
  token,
  tokens,
} from './cst.ts';
import { expression, typeName } from './to-ast-expression.ts';

const STATEMENT_RULES = ['select', 'insert', 'createTable', 'set', 'explain'] as const;

export function statement(n: CstNode, cx: AstContext): Statement {
  const inner = oneOf(n, STATEMENT_RULES);
  const name = inner.name;
  switch (name) {
    case 'select':
      return select(inner, cx);
    case 'insert':
      return insert(inner, cx);
    case 'createTable':
      return createTable(inner, cx);
    case 'set':
      return set(inner, cx);
    case 'explain':
      return explain(inner, cx);
    default:
      return assertNever(name);
  }
}

export function select(n: CstNode, cx: AstContext): SelectStmt {
  const distinct = token(n, 'Distinct');
  if (distinct) {
    cx.unsupported('SELECT DISTINCT is', spanOf(distinct), 'GROUP BY the selected columns gives the same rows');
  }
  const from = node(n, 'fromItem');
  for (const j of nodes(n, 'join')) join(j, cx);
  const where = node(n, 'where');
  const having = node(n, 'having');
  const stmt: SelectStmt = {
    kind: 'select',
    items: nodes(n, 'selectItem').map((i) => selectItem(i, cx)),
    ...(from && { from: fromItem(from, cx) }),
    ...(where && { where: expression(where, cx) }),
    groupBy: nodes(n, 'groupBy').map((g) => expression(g, cx)),
    ...(having && { having: expression(having, cx) }),
    span: spanOf(n),
  };
  for (const u of nodes(n, 'unsupported')) unsupportedClause(u, cx);
  return stmt;
}

function selectItem(n: CstNode, cx: AstContext): SelectItem {
  const span = spanOf(n);
  const star = node(n, 'star');
  if (star) {
    const table = token(star, 'table');
    return { expr: { kind: 'star', ...(table && { table: identOf(table) }), span }, span };
  }
  const alias = node(n, 'alias');
  return {
    expr: expression(needNode(n, 'expression'), cx),
    ...(alias && { alias: identOf(needToken(alias, 'name')) }),
    span,
  };
}

const FROM_RULES = ['tvf', 'subquery', 'functionRef', 'tableRef'] as const;

function fromItem(n: CstNode, cx: AstContext): FromItem {
  const inner = oneOf(n, FROM_RULES);
  const aliasNode = node(n, 'alias');
  const alias = aliasNode && { alias: identOf(needToken(aliasNode, 'name')) };
  const span = spanOf(n);
  const name = inner.name;
  switch (name) {
    case 'tvf': {
      const args = nodes(inner, 'arg').map((a) => tvfArg(a, cx));
      return { kind: 'tvf', name: identOf(needToken(inner, 'name')), args, ...alias, span };
    }
    case 'subquery':
      return { kind: 'subquery', query: select(needNode(inner, 'select'), cx), ...alias, span };
    case 'functionRef':
      return functionRef(inner, cx, alias, span);
    case 'tableRef':
      return { kind: 'table-ref', name: identOf(needToken(inner, 'name')), ...alias, span };
    default:
      return assertNever(name);
  }
}

const TVF_ARG_RULES = ['tableArg', 'descriptorArg', 'expression'] as const;

function tvfArg(n: CstNode, cx: AstContext): TvfArg {
  const nameTok = token(n, 'name');
  const name = nameTok && { name: identOf(nameTok) };
  const span = spanOf(n);
  const inner = oneOf(n, TVF_ARG_RULES);
  const rule = inner.name;
  switch (rule) {
    case 'tableArg':
      return {
        kind: 'table-arg',
        table: identOf(needToken(inner, 'table')),
        partitionBy: tokens(inner, 'key').map(identOf),
        ...name,
        span,
      };
    case 'descriptorArg':
      return { kind: 'descriptor-arg', columns: tokens(inner, 'column').map(identOf), ...name, span };
    case 'expression':
      return { kind: 'expr-arg', expr: expression(inner, cx), ...name, span };
    default:
      return assertNever(rule);
  }
}

/** The short form takes plain expressions; TABLE, DESCRIPTOR and named arguments belong to TABLE(...). */
function functionRef(n: CstNode, cx: AstContext, alias: { alias: Ident } | undefined, span: Span): FromItem {
  const fn = identOf(needToken(n, 'name'));
  const args = nodes(n, 'arg').map((a) => tvfArg(a, cx));
  for (const arg of args) {
    if (arg.kind === 'expr-arg' && !arg.name) continue;
    const what = arg.name ? 'named arguments' : arg.kind === 'table-arg' ? 'TABLE arguments' : 'DESCRIPTOR arguments';
    cx.report(
      'syntax-error',
      `${what} need the table function form, found ${fn.name}(...) directly in FROM`,
      arg.span,
      `write FROM TABLE(${fn.name}(TABLE t, DESCRIPTOR(ts), ...)), ` +
        `or ${fn.name}(t, ts, ...) without TABLE and DESCRIPTOR`,
    );
  }
  const exprs = args.flatMap((a) => (a.kind === 'expr-arg' ? [a.expr] : []));
  return { kind: 'function-ref', name: fn, args: exprs, ...alias, span };
}

function join(n: CstNode, cx: AstContext): void {
  const comma = token(n, 'Comma');
  if (comma) {
    cx.unsupported('joins are', spanOf(comma), 'a "," between tables in FROM is a join');
    return;
  }
  const first = (['Inner', 'Cross', 'Left', 'Right', 'Full', 'Outer'] as const).map((k) => token(n, k)).find(Boolean);
  const joinTok = needToken(n, 'Join');
  cx.unsupported('JOIN is', spanFrom(spanOf(first ?? joinTok), spanOf(joinTok)));
}

type UnsupportedRule = 'setOperation' | 'orderBy' | 'limit';

function unsupportedClause(n: CstNode, cx: AstContext): void {
  const rule = n.name as UnsupportedRule;
  switch (rule) {
    case 'setOperation': {
      const op = [token(n, 'Union'), token(n, 'Intersect'), token(n, 'Except')].find(Boolean)!;
      cx.unsupported(`${op.image.toUpperCase()} is`, spanOf(op));
      return;
    }
    case 'orderBy':
      cx.unsupported(
        'ORDER BY is',
        spanFrom(spanOf(needToken(n, 'Order')), spanOf(needToken(n, 'By'))),
        'a streaming result is emitted as windows close; sort it where it is consumed',
      );
      return;
    case 'limit':
      cx.unsupported('LIMIT is', spanOf(needToken(n, 'Limit')));
      return;
    default:
      assertNever(rule);
  }
}

function insert(n: CstNode, cx: AstContext): InsertStmt {
  const values = node(n, 'values');
  const span = spanOf(n);
  const table = identOf(needToken(n, 'table'));
  if (values) {
    const hint = 'insert rows with INSERT INTO ... SELECT';
    cx.unsupported('INSERT ... VALUES is', spanOf(needToken(values, 'Values')), hint);
    return { kind: 'insert', table, query: { kind: 'select', items: [], groupBy: [], span }, span };
  }
  return { kind: 'insert', table, query: select(needNode(n, 'select'), cx), span };
}

type TableElementRule = 'physicalColumn' | 'computedColumn' | 'watermarkDef' | 'primaryKey';

function createTable(n: CstNode, cx: AstContext): CreateTableStmt {
  const columns: ColumnDef[] = [];
  let watermark: WatermarkDef | undefined;
  for (const e of nodes(n, 'element')) {
    const rule = e.name as TableElementRule;
    switch (rule) {
      case 'physicalColumn':
        columns.push({
          kind: 'physical-column',
          name: identOf(needToken(e, 'name')),
          type: typeName(needNode(e, 'typeName'), cx),
          notNull: token(e, 'Not') !== undefined,
          span: spanOf(e),
        });
        break;
      case 'computedColumn':
        columns.push({
          kind: 'computed-column',
          name: identOf(needToken(e, 'name')),
          expr: expression(needNode(e, 'expression'), cx),
          span: spanOf(e),
        });
        break;
      case 'watermarkDef':
        if (watermark) cx.report('duplicate-watermark', 'expected one WATERMARK per table, found a second', spanOf(e));
        watermark = watermarkDef(e, cx);
        break;
      case 'primaryKey':
        cx.unsupported('PRIMARY KEY constraints are', spanOf(e), 'remove the constraint: nothing depends on it yet');
        break;
      default:
        assertNever(rule);
    }
  }
  return {
    kind: 'create-table',
    name: identOf(needToken(n, 'name')),
    ifNotExists: token(n, 'If') !== undefined,
    columns,
    ...(watermark && { watermark }),
    options: tableOptions(nodes(n, 'option'), cx),
    span: spanOf(n),
  };
}

function watermarkDef(n: CstNode, cx: AstContext): WatermarkDef {
  return { column: identOf(needToken(n, 'column')), expr: expression(needNode(n, 'expression'), cx), span: spanOf(n) };
}

function tableOptions(options: CstNode[], cx: AstContext): TableOption[] {
  const seen = new Set<string>();
  return options.map((o) => {
    const keyTok = needToken(o, 'key');
    const key = stringValue(keyTok);
    if (seen.has(key)) cx.report('duplicate-option', `expected each option once, found '${key}' again`, spanOf(keyTok));
    seen.add(key);
    return { key, value: stringValue(needToken(o, 'value')), span: spanOf(o) };
  });
}

function set(n: CstNode, cx: AstContext): SetStmt {
  return { kind: 'set', key: setPart(n, 'key', cx), value: setPart(n, 'value', cx), span: spanOf(n) };
}

/** A quoted string's content, or the bare words, number or `10s` as written (without spaces). */
function setPart(n: CstNode, label: 'key' | 'value', cx: AstContext): string {
  const words = node(n, label);
  if (words) return cx.textOf(words).replace(/\s+/g, '');
  const parts = tokens(n, label);
  if (parts.length === 1 && parts[0]!.tokenType === T.StringLiteral) return stringValue(parts[0]!);
  return parts.map((t) => t.image).join('');
}

function explain(n: CstNode, cx: AstContext): ExplainStmt {
  const query = node(n, 'select');
  return {
    kind: 'explain',
    statement: query ? select(query, cx) : insert(needNode(n, 'insert'), cx),
    span: spanOf(n),
  };
}
