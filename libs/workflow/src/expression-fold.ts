import type { JsonValue } from '@ivoryos/contracts';
import { evaluateNode } from './expression-eval';
import { EXPRESSION_LIMITS, ExpressionLimitError, ExpressionSyntaxError, type Expr } from './expression-types';

const UNKNOWN = Symbol('unknown before the run');
type Folded = JsonValue | typeof UNKNOWN;

function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'unary': return [e.operand];
    case 'arith':
    case 'logic': return [e.left, e.right];
    case 'compare': return e.operands;
    case 'call': return e.args;
    default: return [];
  }
}

function fold(e: Expr): Folded {
  if (e.type === 'literal') return e.value;
  if (e.type === 'name') return UNKNOWN;
  // Every child, even one `and`/`or` would skip at run time: a limit is a limit on the text.
  const parts = children(e).map(fold);
  if (e.type === 'arith' && e.op === '**') {
    // `#x ** (2 ** 11)`: the exponent alone is known.
    const exponent = parts[1];
    if (typeof exponent === 'number' && Math.abs(exponent) > EXPRESSION_LIMITS.maxExponent) {
      throw new ExpressionSyntaxError(`exponent ${Math.abs(exponent)} is larger than ${EXPRESSION_LIMITS.maxExponent}`);
    }
  }
  if (parts.includes(UNKNOWN)) return UNKNOWN;
  try {
    return evaluateNode(e, {});
  } catch (error) {
    if (error instanceof ExpressionLimitError) throw new ExpressionSyntaxError(error.message);
    // Other failures (1 / 0, 'a' + 1) are Python's run-time errors, raised only if reached.
    return UNKNOWN;
  }
}

/**
 * Evaluates every sub-expression made of constants only (`9 ** 9 ** 9`, `'ab' * 99999`,
 * `#x ** (2 ** 11)`), so what would exceed {@link EXPRESSION_LIMITS} at run time is refused when
 * the workflow is validated, not when the run reaches it. Throws {@link ExpressionSyntaxError}.
 */
export function checkConstantLimits(ast: Expr): void {
  fold(ast);
}
