import { compileExpression, ExpressionSyntaxError, type Expr } from './expression';
import { tsIdent } from './names';

/** TypeScript precedence levels (higher binds tighter). */
const PREC = { or: 3, and: 4, equality: 8, relational: 9, additive: 11, multiplicative: 12, power: 13, unary: 14, primary: 20 };

/** A string as a single-quoted TypeScript literal. */
export function tsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

function wrap(code: string, prec: number, min: number): string {
  return prec < min ? `(${code})` : code;
}

const ARITH_PREC: Record<string, number> = {
  '+': PREC.additive, '-': PREC.additive, '*': PREC.multiplicative, '/': PREC.multiplicative, '%': PREC.multiplicative,
};

/** Renders a checked expression as TypeScript, returning [code, precedence]. */
function render(e: Expr): [string, number] {
  switch (e.type) {
    case 'literal':
      if (e.value === null) return ['null', PREC.primary];
      if (typeof e.value === 'string') return [tsString(e.value), PREC.primary];
      return [String(e.value), typeof e.value === 'number' && e.value < 0 ? PREC.unary : PREC.primary];
    case 'name':
      return [tsIdent(e.name), PREC.primary];
    case 'unary': {
      const [code, prec] = render(e.operand);
      const op = e.op === 'not' ? '!' : e.op;
      return [`${op}${wrap(code, prec, PREC.unary)}`, PREC.unary];
    }
    case 'logic': {
      const prec = e.op === 'and' ? PREC.and : PREC.or;
      const [l, lp] = render(e.left);
      const [r, rp] = render(e.right);
      return [`${wrap(l, lp, prec)} ${e.op === 'and' ? '&&' : '||'} ${wrap(r, rp, prec + 1)}`, prec];
    }
    case 'compare': {
      const parts = e.ops.map((op, i) => {
        const prec = op === '==' || op === '!=' ? PREC.equality : PREC.relational;
        const tsOp = op === '==' ? '===' : op === '!=' ? '!==' : op;
        const [l, lp] = render(e.operands[i]);
        const [r, rp] = render(e.operands[i + 1]);
        return `${wrap(l, lp, prec + 1)} ${tsOp} ${wrap(r, rp, prec + 1)}`;
      });
      // Python chains comparisons (0 < x < 5); TypeScript needs them spelled out.
      if (parts.length === 1) return [parts[0], e.ops[0] === '==' || e.ops[0] === '!=' ? PREC.equality : PREC.relational];
      return [parts.map((p) => `(${p})`).join(' && '), PREC.and];
    }
    case 'arith': {
      const [l, lp] = render(e.left);
      const [r, rp] = render(e.right);
      if (e.op === '//') return [`Math.floor(${l} / ${wrap(r, rp, PREC.multiplicative + 1)})`, PREC.primary];
      if (e.op === '**') {
        // TypeScript rejects a unary operand on the left of ** without parentheses.
        return [`${wrap(l, lp, PREC.unary + 1)} ** ${wrap(r, rp, PREC.power)}`, PREC.power];
      }
      const prec = ARITH_PREC[e.op];
      return [`${wrap(l, lp, prec)} ${e.op} ${wrap(r, rp, prec + 1)}`, prec];
    }
    case 'call': {
      const args = e.args.map((a) => render(a)[0]);
      switch (e.fn) {
        case 'abs': return [`Math.abs(${args[0]})`, PREC.primary];
        case 'len': return [`${wrap(args[0], render(e.args[0])[1], PREC.primary)}.length`, PREC.primary];
        case 'round':
          return [args.length > 1 ? `Number((${args[0]}).toFixed(${args[1]}))` : `Math.round(${args[0]})`, PREC.primary];
        case 'min':
        case 'max': {
          const fn = e.fn === 'min' ? 'Math.min' : 'Math.max';
          return [args.length === 1 ? `${fn}(...${args[0]})` : `${fn}(${args.join(', ')})`, PREC.primary];
        }
      }
    }
  }
}

/** An expression as TypeScript source; text outside the grammar becomes a commented `undefined`. */
export function expressionToTs(source: string): string {
  try {
    return render(compileExpression(source).ast)[0];
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    return `undefined /* invalid expression: ${source.replace(/\*\//g, '* /')} */`;
  }
}
