// The SQL grammar: statements and queries on top of the expression rules, and the one shared parser instance.
import type { IToken } from 'chevrotain';
import * as T from './tokens.ts';
import { ExpressionGrammar, isWord } from './grammar-expression.ts';

/** Soft keywords that start a join, so `FROM a LEFT JOIN b` does not read LEFT as an alias. */
const startsJoin = (tok: IToken) => tok.tokenType === T.Left || tok.tokenType === T.Right;

/**
 * Rule names match AST kinds (`createTable` → 'create-table'). Constructs that are not supported yet
 * (joins, ORDER BY, LIMIT, UNION, DISTINCT, PRIMARY KEY, VALUES, OVER) are parsed anyway so the visitor
 * can name them in an 'unsupported' error instead of a generic syntax error.
 */
export class SqlGrammar extends ExpressionGrammar {
  constructor() {
    super(T.allTokens);
    this.performSelfAnalysis();
  }

  readonly statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.select) },
      { ALT: () => this.SUBRULE(this.insert) },
      { ALT: () => this.SUBRULE(this.createTable) },
      { ALT: () => this.SUBRULE(this.set) },
      { ALT: () => this.SUBRULE(this.explain) },
    ]);
  });

  readonly select = this.RULE('select', () => {
    this.CONSUME(T.Select);
    this.OPTION(() => this.CONSUME(T.Distinct));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.selectItem) });
    this.OPTION2(() => {
      this.CONSUME(T.From);
      this.SUBRULE(this.fromItem);
      this.MANY(() => this.SUBRULE(this.join));
    });
    this.OPTION3(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.OPTION4(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expression, { LABEL: 'groupBy' }) });
    });
    this.OPTION5(() => {
      this.CONSUME(T.Having);
      this.SUBRULE3(this.expression, { LABEL: 'having' });
    });
    this.MANY2(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.setOperation, { LABEL: 'unsupported' }) },
        { ALT: () => this.SUBRULE(this.orderBy, { LABEL: 'unsupported' }) },
        { ALT: () => this.SUBRULE(this.limit, { LABEL: 'unsupported' }) },
      ]),
    );
  });

  readonly selectItem = this.RULE('selectItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.star) },
      {
        ALT: () => {
          this.SUBRULE(this.expression);
          this.OPTION({ GATE: () => !startsJoin(this.LA(1)), DEF: () => this.SUBRULE(this.alias) });
        },
      },
    ]);
  });

  /** `*` or `t.*`, only as a select item. */
  readonly star = this.RULE('star', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'table' });
      this.CONSUME(T.Dot);
    });
    this.CONSUME(T.Star);
  });

  readonly alias = this.RULE('alias', () => {
    this.OPTION(() => this.CONSUME(T.As));
    this.CONSUME(T.Identifier, { LABEL: 'name' });
  });

  readonly fromItem = this.RULE('fromItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.tvf) },
      { ALT: () => this.SUBRULE(this.subquery) },
      { ALT: () => this.SUBRULE(this.functionRef) },
      { ALT: () => this.SUBRULE(this.tableRef) },
    ]);
    this.OPTION({ GATE: () => !startsJoin(this.LA(1)), DEF: () => this.SUBRULE(this.alias) });
  });

  readonly tableRef = this.RULE('tableRef', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
  });

  /** TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) */
  readonly tvf = this.RULE('tvf', () => {
    this.CONSUME(T.Table);
    this.CONSUME3(T.LParen); // 1 and 2 are taken by tvfArgList
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.tvfArgList();
    this.CONSUME3(T.RParen);
  });

  /** TUMBLE(t, ts, INTERVAL '10 minutes'): takes any TVF argument, so the visitor can explain misuse. */
  readonly functionRef = this.RULE('functionRef', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.tvfArgList();
  });

  private tvfArgList(): void {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tvfArg, { LABEL: 'arg' }) });
    this.CONSUME(T.RParen);
  }

  readonly subquery = this.RULE('subquery', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.select);
    this.CONSUME(T.RParen);
  });

  /** `[NAME =>] TABLE t | DESCRIPTOR(c, ...) | expr` */
  readonly tvfArg = this.RULE('tvfArg', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'name' });
      this.CONSUME(T.Arrow);
    });
    this.OR([
      { ALT: () => this.SUBRULE(this.tableArg) },
      { ALT: () => this.SUBRULE(this.descriptorArg) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  /** TABLE t [PARTITION BY c | PARTITION BY (c, ...)], as SESSION takes it. */
  readonly tableArg = this.RULE('tableArg', () => {
    this.CONSUME(T.Table);
    this.CONSUME(T.Identifier, { LABEL: 'table' });
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.OR([
        { ALT: () => this.CONSUME2(T.Identifier, { LABEL: 'key' }) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME3(T.Identifier, { LABEL: 'key' }) });
            this.CONSUME(T.RParen);
          },
        },
      ]);
    });
  });

  readonly descriptorArg = this.RULE('descriptorArg', () => {
    this.CONSUME(T.Descriptor);
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier, { LABEL: 'column' }) });
    this.CONSUME(T.RParen);
  });

  /** `, t`, `JOIN t ON ...`, `LEFT OUTER JOIN t`: reported as unsupported. */
  readonly join = this.RULE('join', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Comma) },
      {
        ALT: () => {
          this.OPTION(() =>
            this.OR2([
              { ALT: () => this.CONSUME(T.Inner) },
              { ALT: () => this.CONSUME(T.Cross) },
              { ALT: () => this.CONSUME(T.Left) },
              { ALT: () => this.CONSUME(T.Right) },
              { ALT: () => this.CONSUME(T.Full) },
            ]),
          );
          this.OPTION2(() => this.CONSUME(T.Outer));
          this.CONSUME(T.Join);
        },
      },
    ]);
    this.SUBRULE(this.fromItem);
    this.OPTION3(() => {
      this.CONSUME(T.On);
      this.SUBRULE(this.expression);
    });
  });

  readonly setOperation = this.RULE('setOperation', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Union) },
      { ALT: () => this.CONSUME(T.Intersect) },
      { ALT: () => this.CONSUME(T.Except) },
    ]);
    this.OPTION(() => this.OR2([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.CONSUME(T.Distinct) }]));
    this.SUBRULE(this.select);
  });

  readonly orderBy = this.RULE('orderBy', () => {
    this.CONSUME(T.Order);
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.SUBRULE(this.expression);
        this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]));
      },
    });
  });

  readonly limit = this.RULE('limit', () => {
    this.CONSUME(T.Limit);
    this.SUBRULE(this.expression);
  });

  readonly insert = this.RULE('insert', () => {
    this.CONSUME(T.Insert);
    this.CONSUME(T.Into);
    this.CONSUME(T.Identifier, { LABEL: 'table' });
    this.OR([{ ALT: () => this.SUBRULE(this.select) }, { ALT: () => this.SUBRULE(this.values) }]);
  });

  /** VALUES (...), (...): reported as unsupported. */
  readonly values = this.RULE('values', () => {
    this.CONSUME(T.Values);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.balanced);
        this.CONSUME(T.RParen);
      },
    });
  });

  readonly createTable = this.RULE('createTable', () => {
    this.CONSUME(T.Create);
    this.CONSUME(T.Table);
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.tableElement() });
    this.CONSUME(T.RParen);
    this.OPTION2(() => {
      this.CONSUME(T.With);
      this.CONSUME2(T.LParen);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableOption, { LABEL: 'option' }) });
      this.CONSUME2(T.RParen);
    });
  });

  /** Columns, the watermark and constraints share one list, labelled 'element' so their order is kept. */
  private tableElement(): void {
    this.OR([
      { ALT: () => this.SUBRULE(this.watermarkDef, { LABEL: 'element' }) },
      {
        // PRIMARY and KEY stay plain names (columns are called `key`), so the gate decides.
        GATE: () => isWord(this.LA(1), 'PRIMARY') && isWord(this.LA(2), 'KEY'),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.primaryKey, { LABEL: 'element' }),
      },
      { ALT: () => this.SUBRULE(this.computedColumn, { LABEL: 'element' }) },
      { ALT: () => this.SUBRULE(this.physicalColumn, { LABEL: 'element' }) },
    ]);
  }

  readonly physicalColumn = this.RULE('physicalColumn', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.SUBRULE(this.typeName);
    this.OPTION(() => {
      this.OPTION2(() => this.CONSUME(T.Not));
      this.CONSUME(T.Null);
    });
  });

  readonly computedColumn = this.RULE('computedColumn', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.As);
    this.SUBRULE(this.expression);
  });

  readonly watermarkDef = this.RULE('watermarkDef', () => {
    this.CONSUME(T.Watermark);
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier, { LABEL: 'column' });
    this.CONSUME(T.As);
    this.SUBRULE(this.expression);
  });

  /** PRIMARY KEY (a, b) [NOT ENFORCED]: reported as unsupported. */
  readonly primaryKey = this.RULE('primaryKey', () => {
    this.CONSUME(T.PlainIdentifier);
    this.CONSUME2(T.PlainIdentifier);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.balanced);
    this.CONSUME(T.RParen);
    this.OPTION({
      GATE: () => this.LA(1).tokenType === T.Not && isWord(this.LA(2), 'ENFORCED'),
      DEF: () => {
        this.CONSUME(T.Not);
        this.CONSUME3(T.PlainIdentifier);
      },
    });
  });

  readonly tableOption = this.RULE('tableOption', () => {
    this.CONSUME(T.StringLiteral, { LABEL: 'key' });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.StringLiteral, { LABEL: 'value' });
  });

  /** SET 'key' = 'value', or SET table.exec.mini-batch.enabled = true (also 10, -1, 10s) */
  readonly set = this.RULE('set', () => {
    this.CONSUME(T.Set);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'key' }) },
      { ALT: () => this.SUBRULE(this.settingWords, { LABEL: 'key' }) },
    ]);
    this.CONSUME(T.Equals);
    this.OR2([
      { ALT: () => this.CONSUME2(T.StringLiteral, { LABEL: 'value' }) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Minus, { LABEL: 'value' }));
          this.CONSUME(T.NumberLiteral, { LABEL: 'value' });
          this.OPTION2(() => this.CONSUME(T.PlainIdentifier, { LABEL: 'value' }));
        },
      },
      { ALT: () => this.SUBRULE2(this.settingWords, { LABEL: 'value' }) },
    ]);
  });

  /** A bare setting name or value: words joined by "." or "-", keywords included (`table.exec`). */
  readonly settingWords = this.RULE('settingWords', () => {
    this.CONSUME(T.Word);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Dot) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.CONSUME2(T.Word);
    });
  });

  /** EXPLAIN [PLAN FOR] query */
  readonly explain = this.RULE('explain', () => {
    this.CONSUME(T.Explain);
    this.OPTION({
      GATE: () => isWord(this.LA(1), 'PLAN'),
      DEF: () => {
        this.CONSUME(T.PlainIdentifier);
        this.CONSUME(T.For);
      },
    });
    this.OR([{ ALT: () => this.SUBRULE(this.select) }, { ALT: () => this.SUBRULE(this.insert) }]);
  });
}

/** Built once: chevrotain's self-analysis is the expensive part. Not re-entrant (one parse at a time). */
export const sqlGrammar = new SqlGrammar();
