// Picks the accumulator for an aggregate call from its function and argument type.
import type { AggCall } from '../../planner/bound-expr.ts';
import type { Accumulator } from './accumulator.ts';
import { CountAccumulator, ExactSumAccumulator } from './exact-sum.ts';
import { DoubleSumAccumulator, ExtremeAccumulator, Int64ExtremeAccumulator } from './float-and-extremes.ts';

export function createAccumulator(agg: AggCall): Accumulator {
  const argType = agg.arg?.type;
  switch (agg.fn) {
    case 'COUNT':
      return new CountAccumulator();
    case 'SUM':
    case 'AVG':
      return argType!.id === 'DOUBLE' ? new DoubleSumAccumulator(agg.fn === 'AVG') : new ExactSumAccumulator(argType!, agg.type, agg.fn === 'AVG');
    case 'MIN':
    case 'MAX':
      return agg.type.id === 'BIGINT' ? new Int64ExtremeAccumulator(agg.fn === 'MAX') : new ExtremeAccumulator(agg.type, agg.fn === 'MAX');
  }
}
