// Builds expression and type-name AST nodes from the CST; each function is named after its grammar rule.
import type { CstNode, IToken } from 'chevrotain';
import type { BinaryOp, Expr, TypeName } from './ast.ts';
import { assertNever, didYouMean, type Span } from './errors.ts';
import { intervalMs } from './interval.ts';
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

export function expression(n: CstNode, cx: AstContext): Expr {
  return binaryChain(n, cx, andExpr);
}

function andExpr(n: CstNode, cx: AstContext): Expr {
  return binaryChain(n, cx, notExpr);
}

function notExpr(n: CstNode, cx: AstContext): Expr {
  const inner = node(n, 'notExpr');
  if (!inner) return comparison(needNode(n, 'comparison'), cx);
  return { kind: 'unary', op: 'NOT', operand: notExpr(inner, cx), span: spanOf(n) };
}

/** Left-associative `operand (op operand)*`; spans come from the CST so `(a + b) * c` starts at "(". */
function binaryChain(n: CstNode, cx: AstContext, operand: (n: CstNode, cx: AstContext) => Expr): Expr {
  const operands = nodes(n, 'operand');
  const ops = tokens(n, 'op');
  let left = operand(operands[0]!, cx);
  const start = spanOf(operands[0]!);
  for (let i = 0; i < ops.length; i++) {
    const right = operand(operands[i + 1]!, cx);
    left = { kind: 'binary', op: binaryOp(ops[i]!), left, right, span: spanFrom(start, spanOf(operands[i + 1]!)) };
  }
  return left;
}

function binaryOp(tok: IToken): BinaryOp {
  // `!=` is the same operator as `<>`; keywords are spelled in upper case whatever the source says.
  if (tok.tokenType === T.NotEquals) return '<>';
  if (tok.tokenType === T.And || tok.tokenType === T.Or) return tok.image.toUpperCase() as BinaryOp;
  return tok.image as BinaryOp;
}

type ComparisonSuffix = 'comparisonOp' | 'isNull' | 'between' | 'inList' | 'like';

function comparison(n: CstNode, cx: AstContext): Expr {
  const first = needNode(n, 'concat');
  let left = concat(first, cx);
  for (const s of nodes(n, 'suffix')) {
    const span = spanFrom(spanOf(first), spanOf(s));
    const negated = token(s, 'Not') !== undefined;
    const name = s.name as ComparisonSuffix;
    switch (name) {
      case 'comparisonOp': {
        const right = concat(needNode(s, 'concat'), cx);
        left = { kind: 'binary', op: binaryOp(needToken(s, 'op')), left, right, span };
        break;
      }
      case 'isNull':
        left = { kind: 'is-null', operand: left, negated, span };
        break;
      case 'between': {
        const low = concat(needNode(s, 'low'), cx);
        const high = concat(needNode(s, 'high'), cx);
        left = { kind: 'between', operand: left, low, high, negated, span };
        break;
      }
      case 'inList':
        if (node(s, 'select')) cx.unsupported('IN (SELECT ...) is', spanOf(needNode(s, 'select')));
        left = { kind: 'in-list', operand: left, list: nodes(s, 'item').map((i) => expression(i, cx)), negated, span };
        break;
      case 'like':
        left = { kind: 'like', operand: left, pattern: concat(needNode(s, 'concat'), cx), negated, span };
        break;
      default:
        assertNever(name);
    }
  }
  return left;
}

function concat(n: CstNode, cx: AstContext): Expr {
  return binaryChain(n, cx, additive);
}

function additive(n: CstNode, cx: AstContext): Expr {
  return binaryChain(n, cx, multiplicative);
}

function multiplicative(n: CstNode, cx: AstContext): Expr {
  return binaryChain(n, cx, unary);
}

function unary(n: CstNode, cx: AstContext): Expr {
  const inner = node(n, 'unary');
  if (!inner) return primary(needNode(n, 'primary'), cx);
  const op = needToken(n, 'op').image as '-' | '+';
  return { kind: 'unary', op, operand: unary(inner, cx), span: spanOf(n) };
}

const PRIMARY_RULES = ['interval', 'timestamp', 'cast', 'case', 'parenthesized', 'call', 'column'] as const;

function primary(n: CstNode, cx: AstContext): Expr {
  const span = spanOf(n);
  const literal = literalOf(n, span);
  if (literal) return literal;
  const inner = oneOf(n, PRIMARY_RULES);
  const name = inner.name;
  switch (name) {
    case 'interval':
      return interval(inner, cx);
    case 'timestamp':
      return { kind: 'timestamp', text: stringValue(needToken(inner, 'StringLiteral')), span };
    case 'cast':
      return {
        kind: 'cast',
        operand: expression(needNode(inner, 'expression'), cx),
        type: typeName(needNode(inner, 'typeName'), cx),
        span,
      };
    case 'case':
      return caseExpr(inner, cx);
    case 'parenthesized':
      return parenthesized(inner, cx);
    case 'call':
      return call(inner, cx);
    case 'column':
      return column(inner);
    default:
      return assertNever(name);
  }
}

function literalOf(n: CstNode, span: Span): Expr | undefined {
  const num = token(n, 'NumberLiteral');
  if (num) return { kind: 'number', text: num.image, span };
  const str = token(n, 'StringLiteral');
  if (str) return { kind: 'string', value: stringValue(str), span };
  if (token(n, 'True')) return { kind: 'boolean', value: true, span };
  if (token(n, 'False')) return { kind: 'boolean', value: false, span };
  if (token(n, 'Null')) return { kind: 'null', span };
  return undefined;
}

function interval(n: CstNode, cx: AstContext): Expr {
  const str = needToken(n, 'StringLiteral');
  const unit = token(n, 'unit');
  const toUnit = token(n, 'toUnit');
  const result = intervalMs(stringValue(str), unit?.image, toUnit?.image);
  const span = spanOf(n);
  if (!result.ok) {
    const at = result.at === 'unit' ? unit : result.at === 'toUnit' ? toUnit : str;
    cx.report('bad-interval', result.problem, spanOf(at ?? str), result.hint);
    return { kind: 'interval', ms: Number.NaN, text: cx.textOf(n), span };
  }
  return { kind: 'interval', ms: result.ms, text: cx.textOf(n), span };
}

function caseExpr(n: CstNode, cx: AstContext): Expr {
  const operand = node(n, 'operand');
  const thens = nodes(n, 'then');
  const whens = nodes(n, 'when').map((w, i) => ({ when: expression(w, cx), then: expression(thens[i]!, cx) }));
  const otherwise = node(n, 'else');
  return {
    kind: 'case',
    ...(operand && { operand: expression(operand, cx) }),
    whens,
    ...(otherwise && { else: expression(otherwise, cx) }),
    span: spanOf(n),
  };
}

function parenthesized(n: CstNode, cx: AstContext): Expr {
  const select = node(n, 'select');
  if (select) {
    cx.unsupported('subqueries in expressions are', spanOf(n));
    return { kind: 'null', span: spanOf(n) };
  }
  return expression(needNode(n, 'expression'), cx);
}

function call(n: CstNode, cx: AstContext): Expr {
  const over = node(n, 'over');
  if (over) cx.unsupported('OVER windows are', spanOf(over));
  return {
    kind: 'call',
    name: identOf(needToken(n, 'name')),
    args: nodes(n, 'arg').map((a) => expression(a, cx)),
    star: token(n, 'Star') !== undefined,
    distinct: token(n, 'Distinct') !== undefined,
    span: spanOf(n),
  };
}

function column(n: CstNode): Expr {
  const names = tokens(n, 'name').map(identOf);
  const span = spanOf(n);
  if (names.length === 2) return { kind: 'column', table: names[0]!, name: names[1]!, span };
  return { kind: 'column', name: names[0]!, span };
}

const TYPE_ALIASES: Record<string, 'BOOLEAN' | 'INT' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'DECIMAL' | 'TIMESTAMP'> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  // Narrower integers widen losslessly to INT, so Flink DDL using them runs unchanged.
  TINYINT: 'INT',
  SMALLINT: 'INT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  FLOAT: 'DOUBLE',
  REAL: 'DOUBLE',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  VARCHAR: 'VARCHAR',
  STRING: 'VARCHAR',
  CHAR: 'VARCHAR',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP',
};

const UNSUPPORTED_TYPES = new Set([
  'DATE', 'TIME', 'BYTES', 'BINARY', 'VARBINARY', 'ARRAY', 'MAP', 'MULTISET', 'ROW', 'RAW',
]);

/** How many parameters each type takes, at most. */
const MAX_PARAMS: Record<string, number> = { DECIMAL: 2, VARCHAR: 1, TIMESTAMP: 1 };

export function typeName(n: CstNode, cx: AstContext): TypeName {
  const nameTok = needToken(n, 'name');
  const written = nameTok.image.toUpperCase();
  const span = spanOf(n);
  const params = tokens(n, 'param').map((p) => integerParam(p, cx));
  const suffix = tokens(n, 'suffix').map((t) => t.image.toUpperCase()).join(' ');
  const name = TYPE_ALIASES[written];
  if (!name) {
    if (UNSUPPORTED_TYPES.has(written)) cx.unsupported(`type ${written} is`, spanOf(nameTok));
    else {
      const guess = didYouMean(nameTok.image, Object.keys(TYPE_ALIASES));
      cx.report('unknown-type', `unknown type "${nameTok.image}"`, spanOf(nameTok), guess && `did you mean ${guess}?`);
    }
    return { kind: 'type-name', name: 'VARCHAR', span };
  }
  const maxParams = MAX_PARAMS[name] ?? 0;
  if (params.length > maxParams) {
    const takes = maxParams === 0 ? 'no parameters' : `at most ${maxParams} parameter${maxParams > 1 ? 's' : ''}`;
    cx.report('bad-type', `expected ${takes} for type ${written}, found ${params.length}`, span);
  }
  checkSuffix(written, suffix, span, cx);
  switch (name) {
    case 'DECIMAL': {
      // Flink's defaults: DECIMAL = DECIMAL(10, 0), DECIMAL(p) = DECIMAL(p, 0).
      const precision = params[0] ?? 10;
      const scale = params[1] ?? 0;
      if (precision < 1 || precision > 38 || scale > precision) {
        const found = `DECIMAL(${precision}, ${scale})`;
        cx.report('bad-type', `expected DECIMAL(p, s) with 1 <= p <= 38 and 0 <= s <= p, found ${found}`, span);
      }
      return { kind: 'type-name', name, precision, scale, span };
    }
    case 'TIMESTAMP': {
      // Times are held in milliseconds, so an omitted precision means 3 rather than Flink's 6.
      const precision = params[0] ?? 3;
      if (precision > 9) cx.report('bad-type', `expected a TIMESTAMP precision from 0 to 9, found ${precision}`, span);
      return { kind: 'type-name', name, precision, span };
    }
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'VARCHAR':
      return { kind: 'type-name', name, span };
    default:
      return assertNever(name);
  }
}

const SUFFIXES: Record<string, readonly string[]> = {
  DOUBLE: ['PRECISION'],
  TIMESTAMP: ['WITH LOCAL TIME ZONE', 'WITHOUT TIME ZONE'],
};

function checkSuffix(written: string, suffix: string, span: Span, cx: AstContext): void {
  if (suffix === '' || SUFFIXES[written]?.includes(suffix)) return;
  const allowed = SUFFIXES[written];
  const expected = allowed ? allowed.join(' or ') : 'nothing';
  cx.report('bad-type', `expected ${expected} after ${written}, found ${suffix}`, span);
}

function integerParam(tok: IToken, cx: AstContext): number {
  if (!/^\d+$/.test(tok.image)) {
    cx.report('bad-type', `expected a whole number, found ${tok.image}`, spanOf(tok));
    return 0;
  }
  return Number(tok.image);
}

