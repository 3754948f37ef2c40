// Grammar rules for expressions, type names and interval literals: the base of the SQL grammar.
import { CstParser, type CstNode, type IToken, type ParserMethod, type TokenType } from 'chevrotain';
import * as T from './tokens.ts';
import { isIntervalUnitWord, hasUnitInside } from './interval.ts';
import { errorMessageProvider } from './syntax-errors.ts';

/** Whether a token is the plain name `w` (upper case): for words that stay names but steer the grammar. */
export const isWord = (tok: IToken, w: string) => tok.tokenType === T.PlainIdentifier && tok.image.toUpperCase() === w;

/**
 * Precedence, loosest first: OR, AND, NOT, comparison (= <> < IS BETWEEN IN LIKE), ||, + -, * / %, unary
 * sign, primary. Each level is one rule so the CST mirrors the tree the visitor builds.
 */
export abstract class ExpressionGrammar extends CstParser {
  /** Defined by the statement grammar; used here for subqueries, which are reported as unsupported. */
  abstract readonly select: ParserMethod<[], CstNode>;

  constructor(tokens: TokenType[]) {
    // Recovery lets one parse report several independent errors; full node locations give every AST node a span.
    super(tokens, { maxLookahead: 3, recoveryEnabled: true, nodeLocationTracking: 'full', errorMessageProvider });
  }

  readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Or, { LABEL: 'op' });
      this.SUBRULE2(this.andExpr, { LABEL: 'operand' });
    });
  });

  readonly andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.And, { LABEL: 'op' });
      this.SUBRULE2(this.notExpr, { LABEL: 'operand' });
    });
  });

  readonly notExpr = this.RULE('notExpr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /** An operand followed by any number of comparison suffixes, applied left to right. */
  readonly comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.concat);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.comparisonOp, { LABEL: 'suffix' }) },
        { ALT: () => this.SUBRULE(this.isNull, { LABEL: 'suffix' }) },
        { ALT: () => this.SUBRULE(this.between, { LABEL: 'suffix' }) },
        { ALT: () => this.SUBRULE(this.inList, { LABEL: 'suffix' }) },
        { ALT: () => this.SUBRULE(this.like, { LABEL: 'suffix' }) },
      ]),
    );
  });

  readonly comparisonOp = this.RULE('comparisonOp', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equals, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.NotEquals, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.Less, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.LessEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.Greater, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: 'op' }) },
    ]);
    this.SUBRULE(this.concat);
  });

  readonly isNull = this.RULE('isNull', () => {
    this.CONSUME(T.Is);
    this.OPTION(() => this.CONSUME(T.Not));
    this.CONSUME(T.Null);
  });

  readonly between = this.RULE('between', () => {
    this.OPTION(() => this.CONSUME(T.Not));
    this.CONSUME(T.Between);
    this.SUBRULE(this.concat, { LABEL: 'low' });
    this.CONSUME(T.And);
    this.SUBRULE2(this.concat, { LABEL: 'high' });
  });

  readonly inList = this.RULE('inList', () => {
    this.OPTION(() => this.CONSUME(T.Not));
    this.CONSUME(T.In);
    this.CONSUME(T.LParen);
    this.OR([
      { ALT: () => this.SUBRULE(this.select) },
      {
        ALT: () =>
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: 'item' }) }),
      },
    ]);
    this.CONSUME(T.RParen);
  });

  readonly like = this.RULE('like', () => {
    this.OPTION(() => this.CONSUME(T.Not));
    this.CONSUME(T.Like);
    this.SUBRULE(this.concat);
  });

  readonly concat = this.RULE('concat', () => {
    this.SUBRULE(this.additive, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Concat, { LABEL: 'op' });
      this.SUBRULE2(this.additive, { LABEL: 'operand' });
    });
  });

  readonly additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operand' });
    });
  });

  readonly multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operand' });
    });
  });

  readonly unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) },
          ]);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  readonly primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.SUBRULE(this.interval) },
      { ALT: () => this.SUBRULE(this.timestamp) },
      { ALT: () => this.SUBRULE(this.cast) },
      { ALT: () => this.SUBRULE(this.case) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.column) },
    ]);
  });

  /** INTERVAL '10' MINUTE, INTERVAL '10 minutes', INTERVAL '00:05:00' HOUR TO SECOND */
  readonly interval = this.RULE('interval', () => {
    this.CONSUME(T.Interval);
    this.CONSUME(T.StringLiteral);
    // The unit is optional ('10 minutes' carries its own), so a following name is the unit only when it
    // looks like one or when the string needs one; otherwise it is left for an alias.
    this.OPTION({
      GATE: () => {
        const next = this.LA(1);
        if (next.tokenType !== T.PlainIdentifier) return false;
        return isIntervalUnitWord(next.image) || !hasUnitInside(this.LA(0).image);
      },
      DEF: () => {
        this.CONSUME(T.PlainIdentifier, { LABEL: 'unit' });
        this.OPTION2(() => {
          this.CONSUME(T.To);
          this.CONSUME2(T.PlainIdentifier, { LABEL: 'toUnit' });
        });
      },
    });
  });

  /** TIMESTAMP '2026-01-01 10:00:00' */
  readonly timestamp = this.RULE('timestamp', () => {
    this.CONSUME(T.Timestamp);
    this.CONSUME(T.StringLiteral);
  });

  readonly cast = this.RULE('cast', () => {
    this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.As);
    this.SUBRULE(this.typeName);
    this.CONSUME(T.RParen);
  });

  readonly case = this.RULE('case', () => {
    this.CONSUME(T.Case);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expression, { LABEL: 'when' });
      this.CONSUME(T.Then);
      this.SUBRULE3(this.expression, { LABEL: 'then' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      this.SUBRULE4(this.expression, { LABEL: 'else' });
    });
    this.CONSUME(T.End);
  });

  /** `( expr )`, or `( SELECT ... )`, a subquery the visitor reports as unsupported. */
  readonly parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.OR([{ ALT: () => this.SUBRULE(this.select) }, { ALT: () => this.SUBRULE(this.expression) }]);
    this.CONSUME(T.RParen);
  });

  /** f(args), COUNT(*), f(DISTINCT x); function names are plain names, never reserved words. */
  readonly call = this.RULE('call', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2(() =>
              this.OR2([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]),
            );
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression, { LABEL: 'arg' }) });
          },
        },
      ]),
    );
    this.CONSUME(T.RParen);
    this.OPTION3(() => this.SUBRULE(this.over));
  });

  /** OVER (...): parsed only to report that OVER windows are not supported yet. */
  readonly over = this.RULE('over', () => {
    this.CONSUME(T.Over);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.balanced);
    this.CONSUME(T.RParen);
  });

  /** `a` or `t.a` */
  readonly column = this.RULE('column', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier, { LABEL: 'name' });
    });
  });

  /** BIGINT, DECIMAL(10, 2), TIMESTAMP(3), DOUBLE PRECISION, TIMESTAMP(3) WITH LOCAL TIME ZONE */
  readonly typeName = this.RULE('typeName', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.NumberLiteral, { LABEL: 'param' }) });
      this.CONSUME(T.RParen);
    });
    this.OPTION2({
      GATE: () => isWord(this.LA(1), 'PRECISION'),
      DEF: () => this.CONSUME(T.PlainIdentifier, { LABEL: 'suffix' }),
    });
    // WITH LOCAL TIME ZONE / WITHOUT TIME ZONE: the words are checked by the visitor, which can then
    // name the mistake in WITH TIME ZONE.
    this.OPTION3(() => {
      this.CONSUME(T.With, { LABEL: 'suffix' });
      this.CONSUME2(T.PlainIdentifier, { LABEL: 'suffix' });
      this.CONSUME3(T.PlainIdentifier, { LABEL: 'suffix' });
      this.OPTION5(() => this.CONSUME4(T.PlainIdentifier, { LABEL: 'suffix' }));
    });
    this.OPTION4({
      GATE: () => isWord(this.LA(1), 'WITHOUT'),
      DEF: () => {
        this.CONSUME5(T.PlainIdentifier, { LABEL: 'suffix' });
        this.CONSUME6(T.PlainIdentifier, { LABEL: 'suffix' });
        this.CONSUME7(T.PlainIdentifier, { LABEL: 'suffix' });
      },
    });
  });

  /** Any tokens with balanced parentheses: the inside of constructs that are only reported, not parsed. */
  readonly balanced = this.RULE('balanced', () => {
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.balanced);
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.CONSUME(T.NotParen) },
      ]),
    );
  });
}
