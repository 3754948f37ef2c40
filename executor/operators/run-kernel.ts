// Runs expression evaluation and reports a failing row as a runtime error of the operator.
import { KernelError } from '../../planner/functions/column.ts';
import { OperatorError } from '../operator.ts';

export function runKernel<T>(operatorId: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KernelError || e instanceof RangeError) throw new OperatorError(operatorId, e.message);
    throw e;
  }
}
