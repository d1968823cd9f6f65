import { parseLiteral, pythonToActions, PythonImportError } from './python-import';

let n = 0;
const opts = {
  newUuid: () => ++n,
  params: (instrument: string, action: string) => (instrument === 'deck.sdl' && action === 'analyze' ? ['param_1', 'param_2'] : undefined),
  hasInstrument: (instrument: string) => instrument === 'deck.sdl',
};
const strip = (actions: ReturnType<typeof pythonToActions>) => actions.map(({ uuid: _u, ...rest }) => rest);

beforeEach(() => (n = 0));

describe('pythonToActions (IvoryOS submit_python)', () => {
  it('turns a saved call into one step with typed arguments', () => {
    expect(strip(pythonToActions('result = deck.sdl.analyze(param_1=1, param_2=2)', opts))).toEqual([
      { id: 1, instrument: 'deck.sdl', action: 'analyze', args: { param_1: 1, param_2: 2 }, arg_types: { param_1: 'int', param_2: 'int' }, return: 'result' },
    ]);
  });

  it('types literals as Python does, and keeps negative numbers numbers', () => {
    const [a] = pythonToActions("deck.sdl.go(a=1.5, b='x', c=True, d=None, e=-2, f=1e3)", opts);
    expect(a.args).toEqual({ a: 1.5, b: 'x', c: true, d: null, e: -2, f: 1000 });
    expect(a.arg_types).toEqual({ a: 'float', b: 'str', c: 'bool', d: 'unknown', e: 'int', f: 'float' });
  });

  it('names positional arguments from the schema, arg_<i> otherwise, and reads **{...}', () => {
    const [a, b] = pythonToActions("deck.sdl.analyze(1, 2)\ndeck.sdl.other(3, **{'k': 'v', \"j\": 2})", opts);
    expect(a.args).toEqual({ param_1: 1, param_2: 2 });
    expect(b.args).toEqual({ arg_0: 3, k: 'v', j: 2 });
  });

  it('makes bare names run parameters typed by the function signature', () => {
    const src = 'def wf(amount: int, rate):\n    """Doc (with parens)."""\n    out = deck.sdl.dose(amount_in_ml=amount, rate=rate, other=x)\n    return out\n';
    const [a] = pythonToActions(src, opts);
    expect(a.args).toEqual({ amount_in_ml: '#amount', rate: '#rate', other: '#x' });
    expect(a.arg_types).toEqual({ amount_in_ml: 'int', rate: 'float', other: 'any' });
    expect(a.return).toBe('out');
  });

  it('keeps other expressions as their text', () => {
    const [a] = pythonToActions('deck.sdl.go(a=x + 1, b=[1, 2])', opts);
    expect(a.args).toEqual({ a: 'x + 1', b: '[1, 2]' });
    expect(a.arg_types).toEqual({ a: 'str', b: 'str' });
  });

  it('resolves instrument.method without deck. when the deck has the instrument, and marks awaited calls', () => {
    const actions = pythonToActions('r = await sdl.analyze(param_1=1)\nnope.call(1)\nprint(1)', opts);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ instrument: 'deck.sdl', action: 'analyze', coroutine: true, return: 'r' });
  });

  it('turns constants into variables, time.sleep into wait, and skips what it cannot map', () => {
    const actions = strip(pythonToActions('import time\nx = 5\ntime.sleep(x)\ny = x + 1\na, b = deck.sdl.m()\npass', opts));
    expect(actions).toEqual([
      { id: 1, instrument: 'variable', action: 'x', args: { statement: 5 }, arg_types: { statement: 'int' }, return: '' },
      { id: 2, instrument: 'wait', action: 'wait', args: { statement: '#x' }, arg_types: { statement: 'int' }, return: '' },
    ]);
  });

  it('writes if/elif/else and while as flow markers sharing one uuid per block', () => {
    const src = 'if a > 1:\n    deck.sdl.one()\nelif a == 0:\n    deck.sdl.two()\nelse:\n    deck.sdl.three()\nwhile b < 3:\n    b = deck.sdl.count()\n';
    const actions = pythonToActions(src, opts);
    expect(actions.map((a) => `${a.instrument}:${a.action}`)).toEqual([
      'if:if', 'deck.sdl:one', 'if:else', 'if:if', 'deck.sdl:two', 'if:else', 'deck.sdl:three', 'if:endif', 'if:endif',
      'while:while', 'deck.sdl:count', 'while:endwhile',
    ]);
    expect(actions[0].args).toEqual({ statement: 'a > 1' });
    expect(actions[0].uuid).toBe(actions[8].uuid);
    expect(actions[3].uuid).toBe(actions[7].uuid);
    expect(actions[9].uuid).toBe(actions[11].uuid);
    expect(actions.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('joins lines inside brackets and drops comments', () => {
    const [a] = pythonToActions("r = deck.sdl.analyze(  # first\n    param_1=1,\n    param_2='#x (not a comment)',\n)", opts);
    expect(a.args).toEqual({ param_1: 1, param_2: '#x (not a comment)' });
    expect(a.arg_types).toEqual({ param_1: 'int', param_2: 'any' });
  });

  it('answers errors with the line', () => {
    expect(() => pythonToActions('deck.sdl.go(\n', opts)).toThrow(PythonImportError);
    expect(() => pythonToActions("x = 'open", opts)).toThrow('line 1: unterminated string');
    expect(() => pythonToActions('x = 1\n    y = 2', opts)).toThrow('line 2: unexpected indent');
    expect(() => pythonToActions('if x:\ny = 1', opts)).toThrow("line 1: expected an indented block after 'if'");
    expect(() => pythonToActions('else:\n    y = 1', opts)).toThrow("'else' without 'if'");
  });

  it('reads Python constants only', () => {
    expect(parseLiteral("'a\\'b'")).toBe("a'b");
    expect(parseLiteral('r"a\\n"')).toBe('a\\n');
    expect(parseLiteral('"a" + "b"')).toBeUndefined();
    expect(parseLiteral("b'x'")).toBeUndefined();
    expect(parseLiteral('1_000')).toBe(1000);
    expect(parseLiteral('.5')).toBe(0.5);
    expect(parseLiteral('[1]')).toBeUndefined();
  });
});
