/** Types, limits and errors of the expression language, shared by compiling and evaluating. */

/** Bounds that keep hostile or accidental input cheap; checked when compiling and again when evaluating. */
export const EXPRESSION_LIMITS = {
  maxLength: 500,
  maxDepth: 32,
  maxExponent: 1024,
  /** Longest string or list an expression may build (`'ab' * n`). */
  maxSize: 10_000,
} as const;

export const EXPRESSION_FUNCTIONS = ['abs', 'min', 'max', 'round', 'len'] as const;
export type ExpressionFunction = (typeof EXPRESSION_FUNCTIONS)[number];
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';

/** The checked syntax tree of an expression. Names are stored without their `#`. */
export type Expr =
  | { type: 'literal'; value: number | string | boolean | null }
  | { type: 'name'; name: string; hash: boolean }
  | { type: 'unary'; op: '-' | '+' | 'not'; operand: Expr }
  | { type: 'arith'; op: ArithOp; left: Expr; right: Expr }
  | { type: 'logic'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'compare'; ops: CompareOp[]; operands: Expr[] }
  | { type: 'call'; fn: ExpressionFunction; args: Expr[] };

export interface NameRef {
  name: string;
  /** Written as `#name`. */
  hash: boolean;
}

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Expr;
  /** Every variable the expression reads, in order of first appearance. */
  readonly names: readonly NameRef[];
}

/** The text is not in the expression language; raised when compiling (a validation error). */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
}

/** Evaluation failed (unknown name, wrong operand types, division by zero, limits). */
export class ExpressionEvalError extends Error {
  override readonly name: string = 'ExpressionEvalError';
}

/** Evaluation went past {@link EXPRESSION_LIMITS}; from constants alone, a validation error. */
export class ExpressionLimitError extends ExpressionEvalError {
  override readonly name = 'ExpressionLimitError';
}
