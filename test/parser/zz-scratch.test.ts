import { test } from 'vitest';
import { sqlLexer } from '../../parser/tokens.ts';
import { sqlGrammar } from '../../parser/grammar.ts';
test('scratch', () => {
  const ok = 'SELECT ' + Array.from({length: 300}, (_, i) => `a${i} + ${i} * (b - c)`).join(', ') + ' FROM t WHERE x = 1';
  const toks = sqlLexer.tokenize(ok).tokens;
  let best = Infinity;
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); sqlGrammar.input = toks; sqlGrammar.statement(); best = Math.min(best, performance.now() - t0); }
  console.log('parse min', best);
});
