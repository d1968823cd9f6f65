import type { DeckSchema } from '@ivoryos/contracts';
import ts from 'typescript';
import { renderWorkflow } from './render';
import { demoSchema } from './testing/demo-schema';
import { act, doc, ifBlock, loopBlock } from './testing/run-harness';
import { CF_DEMO } from './testing/ivoryos-examples';

/** Syntax errors TypeScript finds in the rendered file (none expected). */
function syntaxErrors(code: string): string[] {
  const out = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** The lines of one rendered function, from its header to its closing brace. */
function fn(code: string, header: string): string[] {
  const lines = code.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`no function ${header} in\n${code}`);
  return lines.slice(start, lines.indexOf('}', start) + 1);
}

const pumpSchema: DeckSchema = {
  schemaVersion: 1, deck: 'my_deck', hash: 'h',
  instruments: {
    'deck.pump': {
      name: 'deck.pump',
      actions: {
        dose: {
          name: 'dose', kind: 'method', async: true,
          params: [
            { name: 'amount', type: 'float', required: true },
            { name: 'choice', type: 'Enum:my_deck.RenderChoice', required: true, choices: [{ name: 'A', value: 'a' }] },
          ],
          returns: { kind: 'tuple', types: ['float', 'str'], annotation: 'tuple[float, str]', arity: 2 },
        },
      },
    },
    my_inst: {
      name: 'my_inst',
      actions: {
        connect: { name: 'connect', kind: 'method', params: [], async: false, returns: { kind: 'none', types: [], annotation: 'None' } },
        temperature: { name: 'temperature', kind: 'getter', params: [], async: false, returns: { kind: 'scalar', types: ['float'], annotation: 'float' } },
        'temperature_(setter)': {
          name: 'temperature_(setter)', kind: 'setter', params: [{ name: 'value', type: 'float', required: true }], async: false,
          returns: { kind: 'none', types: [], annotation: 'None' },
        },
      },
    },
  },
};

describe('renderWorkflow', () => {
  it('renders script lines with flow control (IvoryOS render_script_lines, case 53)', () => {
    const d = doc([
      act('variable', 'count', { statement: 1 }, { arg_types: { statement: 'int' } }),
      ...ifBlock('count > 0', [act('wait', 'wait', { statement: '#delay' })], [act('input', 'sample', { statement: 'Sample?' }, { return: 'sample' })]),
      act('math_variable', 'total', { statement: '#count + 1' }),
      act('deck.pump', 'dose', { amount: 1 }, { return: 'result' }),
    ]);
    const code = renderWorkflow(d);
    expect(fn(code, 'export async function test(')).toEqual([
      'export async function test(delay: number) {',
      '  let sample: string;',
      '  const count = 1;',
      '  if (count > 0) {',
      '    await sleep(delay);',
      '  } else {',
      "    sample = await input('Sample?');",
      '  }',
      '  const total = count + 1;',
      '  const result = await deck.pump.dose(1);',
      '  return { sample, result };',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('renders embedded workflows, setters, getters and #comments (render_nested_script_lines, case 54)', () => {
    const d = doc([
      act('workflows', 'child_workflow', { sample: '#sample', label: 'A' }, {
        return: 'child_result', workflow: [act('comment', 'comment', { statement: 'nested #label' }, { id: 1 })],
      }),
      act('deck.heater', 'temperature_(setter)', { value: '#target' }),
      act('deck.heater', 'temperature', {}, { return: 'actual' }),
      act('comment', 'comment', { statement: '#actual' }),
    ]);
    const code = renderWorkflow(d, { schema: demoSchema });
    expect(fn(code, 'export async function test(')).toEqual([
      'export async function test(sample: unknown, target: number) {',
      "  const child_result = await child_workflow('A', sample);",
      '  deck.heater.temperature = target;',
      '  const actual = deck.heater.temperature;',
      '  console.log(actual);',
      '  return { child_result, actual };',
      '}',
    ]);
    expect(fn(code, 'async function child_workflow(')).toEqual([
      'async function child_workflow(label: unknown, sample: unknown) {',
      '  console.log(`nested ${label}`);',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('renders properties as properties, never as calls (case 49)', () => {
    const d = doc([
      act('my_inst', 'temperature_(setter)', { value: 30.5 }),
      act('my_inst', 'connect'),
      act('my_inst', 'temperature', {}, { return: 'temp_val' }),
      act('my_inst', 'temperature_(setter)', { value: '#my_var' }),
    ]);
    const code = renderWorkflow(d, { schema: pumpSchema });
    expect(code).toContain('  my_inst.temperature = 30.5;');
    expect(code).toContain('  await my_inst.connect();');
    expect(code).toContain('  const temp_val = my_inst.temperature;');
    expect(code).toContain('  my_inst.temperature = my_var;');
    expect(code).not.toContain('my_inst.temperature(');
    expect(code).not.toContain('set_temperature');
  });

  it('renders a whole file with helpers, imports and a returned dict of outputs (compile, case 55)', () => {
    const d = { ...doc([
      act('input', 'sample', { statement: 'Sample?' }, { return: 'sample' }),
      act('wait', 'wait', { statement: 0.1 }),
      act('pause', 'pause', { statement: 'Check' }),
      act('variable', 'count', { statement: 3 }, { arg_types: { statement: 'int' } }),
      act('math_variable', 'total', { statement: 'count + 2' }),
      act('deck.pump', 'dose', { amount: '#total', choice: 'A' }, { return: ['first', 'second'] }),
    ]), name: 'My Workflow', deck: 'my_deck' };
    const code = renderWorkflow(d, { schema: pumpSchema });
    expect(code).toContain("import * as deck from 'my_deck';");
    expect(code).toContain("async function pause(reason = 'Manual intervention required'): Promise<void> {");
    expect(fn(code, 'export async function My_Workflow(')).toEqual([
      'export async function My_Workflow() {',
      "  const sample = await input('Sample?');",
      '  await sleep(0.1);',
      "  await pause('Check');",
      '  const count = 3;',
      '  const total = count + 2;',
      "  const [first, second] = await deck.pump.dose(total, 'a');",
      '  return { sample, first, second };',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('renders the experimental batch form (case 56)', () => {
    const d = { ...doc([
      act('deck.pump', 'dose', { amount: '#configured_amount' }, { return: 'reading', arg_types: { amount: 'float' } }),
      act('wait', 'wait', { statement: 1 }, { batch_action: true }),
    ]), name: 'Batch Run' };
    const code = renderWorkflow(d, { mode: 'batch' });
    expect(fn(code, 'export async function Batch_Run(')).toEqual([
      'export async function Batch_Run(paramList: Array<{ configured_amount: number } & Record<string, unknown>>) {',
      '  // Batch mode is experimental and may have bugs.',
      '  for (const param of paramList) {',
      '    const configured_amount = param.configured_amount;',
      '    const reading = await deck.pump.dose(configured_amount);',
      '    param.reading = reading;',
      '  }',
      '  {',
      '    const param = paramList[0];',
      '    await sleep(1);',
      '  }',
      '  return paramList;',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('renders cf_demo (§2.2) as IvoryOS compiles it, in TypeScript', () => {
    const code = renderWorkflow({ name: 'cf_demo', deck: 'abstract_sdl', script_dict: { prep: [], script: CF_DEMO, cleanup: [] } });
    expect(fn(code, 'export async function cf_demo(')).toEqual([
      'export async function cf_demo(p1: number) {',
      '  let score: number;',
      '  const n = 3;',
      '  for (let i = 0; i < n; i += 1) {',
      '    score = await deck.sdl.analyze(p1, 1);',
      '    if (score > 0.5) {',
      '      console.log(`high ${score}`);',
      '    } else {',
      "      await pause('Check vial');",
      '    }',
      '  }',
      '  const pct = score * 100;',
      "  const initials = await input('Operator initials?');",
      '  const [a, , c] = await deck.sdl.multi();',
      '  return { score, initials, a, c };',
      '}',
    ].map((l) => (l === '  let score: number;' ? '  let score;' : l)));
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('hoists names assigned in loops or more than once, destructures tuples, comments out disabled steps', () => {
    const d = doc([
      ...loopBlock('repeat', { statement: 2 }, [act('deck.sdl', 'multi', {}, { return: ['a', '', 'c'] })]),
      ...loopBlock('while', { statement: '#go and a < 3' }, [act('math_variable', 'a', { statement: 'a + 1' }, { arg_types: { statement: 'int' } })]),
      act('deck.sdl', 'reset', {}, { disabled: true }),
      act('deck.sdl', 'analyze', { param_1: '#p', param_2: 2 }, { return: 'c' }),
    ], [act('deck.sdl', 'reset')], [act('comment', 'comment', { statement: 'done' })]);
    const code = renderWorkflow(d);
    expect(fn(code, 'export async function test(')).toEqual([
      'export async function test(go: unknown, p: unknown) {',
      '  let a: number;',
      '  let c;',
      '  for (let i = 0; i < 2; i += 1) {',
      '    [a, , c] = await deck.sdl.multi();',
      '  }',
      '  while (go && a < 3) {',
      '    a = Math.trunc(a + 1);',
      '  }',
      '  // await deck.sdl.reset();',
      '  c = await deck.sdl.analyze(p, 2);',
      '  return { a, c };',
      '}',
    ]);
    expect(fn(code, 'export async function test_prep(')).toEqual(['export async function test_prep() {', '  await deck.sdl.reset();', '}']);
    expect(fn(code, 'export async function test_cleanup(')).toEqual(['export async function test_cleanup() {', "  console.log('done');", '}']);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('renames names TypeScript reserves and keeps loop counters clear of workflow variables', () => {
    const d = doc([
      act('variable', 'new', { statement: 2 }, { arg_types: { statement: 'int' } }),
      ...loopBlock('repeat', { statement: '#new' }, [act('deck.sdl', 'analyze', { param_1: '#default', param_2: 1 }, { return: 'i' })]),
      act('comment', 'comment', { statement: 'new=#new i=#i' }),
    ]);
    const code = renderWorkflow(d);
    expect(fn(code, 'export async function test(')).toEqual([
      'export async function test(default_: unknown) {',
      '  let i;',
      '  const new_ = 2;',
      '  for (let j = 0; j < new_; j += 1) {',
      '    i = await deck.sdl.analyze(default_, 1);',
      '  }',
      '  console.log(`new=${new_} i=${i}`);',
      '  return { i };',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('types parameters, casts inputs and passes legacy references and extra arguments', () => {
    const d = doc([
      act('deck.x', 'go', {
        a: '#a', b: '#b', c: '#c', d: '#d', e: '#e', f: '#f', g: '#g', h: { reading: 'function_output' }, extra: [1, { k: 'v' }],
      }, {
        arg_types: { a: 'bool', b: 'list', c: 'dict', d: 'Enum:deck.Mode', e: 'Literal:1,fast', f: ['int', 'NoneType'], g: '' },
        arg_order: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'skipped'],
      }),
      act('input', 'n', { statement: 'N?' }, { arg_types: { statement: 'int' } }),
      act('input', 'x', { statement: 'X?' }, { arg_types: { statement: 'float' } }),
      act('input', 'ok', { statement: 'OK?' }, { arg_types: { statement: 'bool' } }),
      act('variable', 'flag', { statement: 'true' }, { arg_types: { statement: 'bool' } }),
      act('variable', 'twice', { statement: 'n * 2' }, { arg_types: { statement: 'float' } }),
    ]);
    const code = renderWorkflow(d);
    expect(fn(code, 'export async function test(')).toEqual([
      "export async function test(a: boolean, b: unknown[], c: Record<string, unknown>, d: string, e: 1 | 'fast', f: number | null, g: unknown) {",
      "  await deck.x.go(a, b, c, d, e, f, g, reading, { extra: [1, { k: 'v' }] });",
      "  const n = Number.parseInt(await input('N?'), 10);",
      "  const x = Number(await input('X?'));",
      "  const ok = (await input('OK?')).toLowerCase() === 'true';",
      '  const flag = true;',
      '  const twice = n * 2;',
      '  return { n, x, ok };',
      '}',
    ]);
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('spells out Python expressions in TypeScript', () => {
    const d = doc([
      ...ifBlock('not x == 1 and (0 < y <= 5 or z != None) and 7 // 2 == 3 and -2 ** 2 < abs(y) and len(s) > round(y, 1)', []),
    ]);
    const code = renderWorkflow(d);
    expect(code).toContain('if (!(x === 1) && ((0 < y) && (y <= 5) || z !== null) && Math.floor(7 / 2) === 3 && -(2 ** 2) < Math.abs(y) && s.length > Number((y).toFixed(1))) {');
    expect(syntaxErrors(code)).toEqual([]);
  });

  it('keeps invalid expressions visible and explains structural errors instead of rendering', () => {
    expect(renderWorkflow(doc([...ifBlock('a &&', [])]))).toContain('if (undefined /* invalid expression: a && */) {');
    const broken = renderWorkflow(doc([{ id: 1, uuid: 5, instrument: 'if', action: 'endif', args: {} }]));
    expect(broken).toContain('// The workflow cannot be rendered until its structure is fixed:');
    expect(broken).toContain("// - script step 1: Found 'endif' at position 1 (uuid 5) without a matching opening statement");
  });
});
