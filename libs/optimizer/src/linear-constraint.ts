/**
 * Parses linear inequalities such as "x1 + 2*x2 <= 10" or "0.5 * a - b >= c - 3" into Σ cᵢ·xᵢ <= b.
 * A small recursive-descent parser rather than jsep: jsep's operator tables are process-global and the
 * workflow library installs its Python grammar into them, so sharing it would couple the two.
 */

export interface LinearInequality {
  /** Coefficient per parameter name (zero coefficients dropped). */
  coefficients: Record<string, number>;
  /** Right-hand side: Σ coefficients[name]·name <= bound. */
  bound: number;
}

interface Linear {
  terms: Map<string, number>;
  constant: number;
}

type Token = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|<|>|[-+*/()]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected "${text.slice(pos).trim()[0]}" at position ${pos + 1}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] });
    pos = re.lastIndex;
  }
  return tokens;
}

const isConstant = (a: Linear) => a.terms.size === 0;

function scale(a: Linear, k: number): Linear {
  const terms = new Map<string, number>();
  for (const [name, c] of a.terms) terms.set(name, c * k);
  return { terms, constant: a.constant * k };
}

function add(a: Linear, b: Linear, sign: number): Linear {
  const terms = new Map(a.terms);
  for (const [name, c] of b.terms) terms.set(name, (terms.get(name) ?? 0) + sign * c);
  return { terms, constant: a.constant + sign * b.constant };
}

/** Parses one inequality; throws an Error whose message says what is wrong. */
export function parseLinearInequality(text: string): LinearInequality {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (v: string) => tokens[i]?.kind === 'op' && tokens[i].value === v;

  function factor(): Linear {
    const t = tokens[i++];
    if (!t) throw new Error('expression ends early');
    if (t.kind === 'num') return { terms: new Map(), constant: t.value };
    if (t.kind === 'name') return { terms: new Map([[t.value, 1]]), constant: 0 };
    if (t.value === '-') return scale(factor(), -1);
    if (t.value === '+') return factor();
    if (t.value === '(') {
      const inner = sum();
      if (!isOp(')')) throw new Error('missing ")"');
      i++;
      return inner;
    }
    throw new Error(`unexpected "${t.value}"`);
  }
  function product(): Linear {
    let left = factor();
    while (isOp('*') || isOp('/')) {
      const op = tokens[i++].value;
      const right = factor();
      if (op === '/') {
        if (!isConstant(right) || right.constant === 0) throw new Error('can only divide by a non-zero number');
        left = scale(left, 1 / right.constant);
      } else if (isConstant(left)) left = scale(right, left.constant);
      else if (isConstant(right)) left = scale(left, right.constant);
      else throw new Error('not linear: a product of two parameters');
    }
    return left;
  }
  function sum(): Linear {
    let left = product();
    while (isOp('+') || isOp('-')) {
      const sign = tokens[i++].value === '+' ? 1 : -1;
      left = add(left, product(), sign);
    }
    return left;
  }

  const lhs = sum();
  const op = peek();
  if (!op || op.kind !== 'op' || !['<=', '>=', '<', '>'].includes(op.value)) {
    throw new Error('expected one comparison: <= or >=');
  }
  i++;
  const rhs = sum();
  if (i !== tokens.length) throw new Error(`unexpected "${String(tokens[i].value)}" after the comparison`);
  // lhs <= rhs  ⇔  (lhs − rhs) <= 0; ">=" flips the sign. Strict and non-strict mean the same for real numbers.
  const sign = op.value.startsWith('<') ? 1 : -1;
  const diff = scale(add(lhs, rhs, -1), sign);
  const coefficients: Record<string, number> = {};
  for (const [name, c] of diff.terms) if (c !== 0) coefficients[name] = c;
  if (Object.keys(coefficients).length === 0) throw new Error('names no parameter');
  return { coefficients, bound: -diff.constant };
}
