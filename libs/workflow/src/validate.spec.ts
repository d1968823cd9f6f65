import type { WorkflowDocument } from '@ivoryos/contracts';
import { demoSchema } from './testing/demo-schema';
import { CF_DEMO, EXAMPLE } from './testing/ivoryos-examples';
import { act, doc, ifBlock, loopBlock } from './testing/run-harness';
import { offeredRunModes, validateWorkflow } from './validate';

const messages = (d: WorkflowDocument, schema = demoSchema): string[] =>
  validateWorkflow(d, schema).errors.map((e) => `${e.phase}#${e.stepId} ${e.field}: ${e.message}`);

describe('validateWorkflow: IvoryOS examples', () => {
  it('finds the parameters and outputs of example.json (§2.1)', () => {
    const result = validateWorkflow(EXAMPLE, demoSchema);
    expect(result.errors).toEqual([
      // The file passes the enum as a parameter; the missing required argument is the real problem.
      { phase: 'script', stepId: 3, field: 'args.param_1', message: "Missing required argument 'param_1' for deck.sdl.analyze" },
      { phase: 'script', stepId: 3, field: 'args.param_2', message: "Missing required argument 'param_2' for deck.sdl.analyze" },
    ]);
    expect(result.parameters).toEqual([
      { name: 'amount', type: 'float', firstUse: { phase: 'script', stepId: 1 } },
      { name: 'rate', type: 'float', firstUse: { phase: 'script', stepId: 2 } },
      { name: 'solvent', type: 'Enum:abstract_sdl.Solvent', firstUse: { phase: 'script', stepId: 2 } },
    ]);
    expect(result.outputs).toEqual(['mass']);
    expect(validateWorkflow(EXAMPLE).valid).toBe(true);
  });

  it('reports p1 as the only parameter of cf_demo; #n is a variable (§2.2)', () => {
    const result = validateWorkflow({ script_dict: { prep: [], script: CF_DEMO, cleanup: [] } }, demoSchema);
    expect(result.errors).toEqual([]);
    expect(result.parameters).toEqual([{ name: 'p1', type: 'int', firstUse: { phase: 'script', stepId: 3 } }]);
    expect(result.outputs).toEqual(['score', 'initials', 'a', 'c']);
    expect(offeredRunModes(result)).toEqual(['parameters', 'optimizer']);
  });

  it('types a parameter from its first typed use, in an argument or a math expression (case 63)', () => {
    const d = doc([
      act('math_variable', 'scaled', { statement: '#configured_amount * 2' }, { arg_types: { statement: 'float' } }),
      act('deck.sdl', 'dose_solid', { amount_in_mg: '#configured_amount' }),
    ]);
    expect(validateWorkflow(d).parameters).toEqual([{ name: 'configured_amount', type: 'float', firstUse: { phase: 'script', stepId: 1 } }]);
  });

  it('names the parameter of a condition "#temp > 20" temp (IvoryOS names it "temp > 20")', () => {
    const d = doc([...ifBlock('#temp > 20', [act('deck.sdl', 'reset')])]);
    expect(validateWorkflow(d, demoSchema).parameters).toEqual([{ name: 'temp', type: 'any', firstUse: { phase: 'script', stepId: 1 } }]);
  });
});

describe('validateWorkflow: schema checks', () => {
  it('reports unknown instruments and methods, missing and unknown arguments', () => {
    const d = doc([
      act('deck.robot', 'move'),
      act('deck.sdl', 'fly'),
      act('deck.sdl', 'dose_solid', { bring_in: true, speed: 3 }),
      act('deck.sdl', 'dose_solid', { amount_in_mg: 1, speed: 3 }, { has_kwargs: true }),
    ]);
    expect(messages(d)).toEqual([
      "script#1 instrument: Unknown instrument 'deck.robot' on deck 'abstract_sdl'",
      "script#2 action: Unknown method 'fly' of 'deck.sdl'",
      "script#3 args.speed: Unknown argument 'speed' for deck.sdl.dose_solid",
      "script#3 args.amount_in_mg: Missing required argument 'amount_in_mg' for deck.sdl.dose_solid",
    ]);
  });

  it('checks literal types and choices, accepting text that converts', () => {
    const d = doc([
      act('deck.sdl', 'dose_solid', { amount_in_mg: 'lots', bring_in: 'yes' }),
      act('deck.sdl', 'dose_solid', { amount_in_mg: '2.5', bring_in: 1 }),
      act('deck.sdl', 'dose_solvent', { solvent_name: 'ETHANOL', amount_in_ml: 1 }),
      act('deck.sdl', 'dose_solvent', { solvent_name: 'WATER', amount_in_ml: 1, rate_ml_per_minute: null }),
      act('deck.sdl', 'set_mode', { mode: 'Medium' }),
      act('deck.sdl', 'analyze', { param_1: 2.5, param_2: '3' }),
      act('deck.sdl', 'label', { text: null }),
    ]);
    expect(messages(d)).toEqual([
      "script#1 args.amount_in_mg: Argument 'amount_in_mg' of deck.sdl.dose_solid: 'lots' is not a number",
      "script#2 args.bring_in: Argument 'bring_in' of deck.sdl.dose_solid: expected bool, got int",
      "script#3 args.solvent_name: Argument 'solvent_name' of deck.sdl.dose_solvent: 'ETHANOL' is not one of METHANOL, WATER",
      "script#4 args.rate_ml_per_minute: Argument 'rate_ml_per_minute' of deck.sdl.dose_solvent: a value is required (float)",
      "script#5 args.mode: Argument 'mode' of deck.sdl.set_mode: 'Medium' is not one of Fast, Slow",
      "script#6 args.param_1: Argument 'param_1' of deck.sdl.analyze: expected int, got float",
    ]);
  });

  it('checks tuple return lists against the return arity', () => {
    const d = doc([
      act('deck.sdl', 'multi', {}, { return: ['a', 'b'] }),
      act('deck.sdl', 'dose_solid', { amount_in_mg: 1 }, { return: ['a', 'b'] }),
      act('deck.sdl', 'reset', {}, { return: 'nothing' }),
      act('deck.sdl', 'raw', { value: 1 }, { return: ['x', 'y'] }),
      act('deck.sdl', 'multi', {}, { return: ['a', '', '1bad'] }),
    ]);
    expect(messages(d)).toEqual([
      'script#1 return: deck.sdl.multi returns a tuple of 3 items, but 2 names are given',
      'script#2 return: deck.sdl.dose_solid does not return a tuple (float), but a list of names is given',
      "script#3 return: deck.sdl.reset returns nothing, so its result cannot be saved as 'nothing'",
      "script#5 return: '1bad' is not a valid name (letters, digits and _, not starting with a digit)",
    ]);
  });

  it('checks tuple arity from return_format when there is no schema', () => {
    const d = doc([act('deck.sdl', 'multi', {}, { return: ['a'], return_format: { kind: 'tuple', types: ['int', 'int'], annotation: 'tuple[int, int]', arity: 2 } })]);
    expect(validateWorkflow(d).errors.map((e) => e.message)).toEqual(['deck.sdl.multi returns a tuple of 2 items, but 1 names are given']);
  });

  it('only checks structure, expressions and references without a schema', () => {
    const d = doc([act('deck.robot', 'fly', { speed: 'fast' }), act('comment', 'comment', { statement: '#speed' })]);
    const result = validateWorkflow(d);
    expect(result.valid).toBe(true);
    expect(result.parameters.map((p) => p.name)).toEqual(['speed']);
  });

  it('knows getters and setters', () => {
    const d = doc([act('deck.heater', 'temperature_(setter)', { value: 30.5 }), act('deck.heater', 'temperature', {}, { return: 't' })]);
    expect(messages(d)).toEqual([]);
  });
});

describe('validateWorkflow: references', () => {
  it('rejects run parameters in prep and cleanup, but accepts earlier outputs there', () => {
    const d = doc([], [
      act('deck.sdl', 'dose_solid', { amount_in_mg: '#amount' }, { return: 'mass' }),
      act('comment', 'comment', { statement: 'dosed #mass' }),
    ], [...ifBlock('#ready', [act('deck.sdl', 'reset')])]);
    expect(messages(d)).toEqual([
      "prep#1 args.amount_in_mg: '#amount' is not an output or variable defined earlier in prep; run parameters are not supported in prep/cleanup",
      "cleanup#1 args.statement: '#ready' is not an output or variable defined earlier in cleanup; run parameters are not supported in prep/cleanup",
    ]);
  });

  it('does not let prep outputs leak into the script phase (fresh contexts per phase)', () => {
    const d = doc([...ifBlock('mass > 1', [])], [act('deck.sdl', 'dose_solid', { amount_in_mg: 1 }, { return: 'mass' })]);
    expect(messages(d)).toEqual(["script#1 args.statement: Name 'mass' is not a parameter, an output or a variable defined earlier"]);
  });

  it('accepts a bare name that is a parameter (even declared later) or an earlier variable, and nothing else', () => {
    const d = doc([
      ...ifBlock('temp > 20 and count > 1', []),
      act('deck.sdl', 'dose_solid', { amount_in_mg: '#temp' }),
      act('variable', 'count', { statement: 2 }, { arg_types: { statement: 'int' } }),
      act('math_variable', 'later', { statement: 'count + 1' }),
      ...loopBlock('while', { statement: 'x < 3' }, [act('math_variable', 'x', { statement: 'while_index + 1' })]),
    ]);
    expect(messages(d)).toEqual([
      "script#1 args.statement: Name 'count' is not a parameter, an output or a variable defined earlier",
      "script#6 args.statement: Name 'x' is not a parameter, an output or a variable defined earlier",
    ]);
  });

  it('reports expressions outside the grammar and bad flow-control values', () => {
    const d = doc([
      ...ifBlock('x.__class__', []),
      ...loopBlock('while', { statement: 5 }, []),
      ...loopBlock('repeat', { statement: 2.5 }, []),
      act('wait', 'wait', { statement: -1 }),
      act('math_variable', 'y', { statement: 'import os' }),
      act('variable', 'v', { statement: 'abc' }, { arg_types: { statement: 'float' } }),
      act('variable', 'w', { statement: true }, { arg_types: { statement: 'int' } }),
      act('input', 'bad name', { statement: 'Name?' }),
      act('variable', 'z', { statement: 1 }, { arg_types: { statement: 'complex' } }),
      ...loopBlock('while', { statement: 'True', max_iterations: 0 }, []),
    ]);
    expect(messages(d)).toEqual([
      "script#1 args.statement: Invalid expression 'x.__class__': attribute and index access are not supported",
      'script#3 args.statement: The while condition must be an expression or a boolean',
      'script#5 args.statement: repeat needs a non-negative integer',
      'script#7 args.statement: wait needs a non-negative number',
      "script#8 args.statement: Invalid expression 'import os': unexpected text after the expression (a missing operator?)",
      "script#9 args.statement: Name 'abc' is not a parameter, an output or a variable defined earlier",
      "script#10 args.statement: Variable 'w': expected int, got bool",
      "script#11 action: 'bad name' is not a valid name (letters, digits and _, not starting with a digit)",
      "script#12 arg_types.statement: Unsupported variable type 'complex' (int, float, str or bool)",
      'script#13 args.max_iterations: max_iterations must be a positive integer',
    ]);
  });

  it('ignores disabled steps and disabled blocks', () => {
    const disabledLoop = loopBlock('repeat', { statement: 'nope!' }, [act('deck.robot', 'fly')]).map((a, i) => (i === 0 ? { ...a, disabled: true } : a));
    const d = doc([
      act('deck.robot', 'fly', { x: '#secret' }, { disabled: true }),
      ...disabledLoop,
      act('deck.sdl', 'reset'),
    ]);
    const result = validateWorkflow(d, demoSchema);
    expect(result.errors).toEqual([]);
    expect(result.parameters).toEqual([]);
    expect(offeredRunModes(result)).toEqual(['repeat']);
  });

  it('reports structural and schema problems together', () => {
    const d = doc([
      act('deck.sdl', 'fly'),
      { id: 0, uuid: 77, instrument: 'if', action: 'endif', args: {} },
      act('deck.sdl', 'dose_solid', { amount_in_mg: 'x' }),
    ]);
    expect(messages(d)).toEqual([
      "script#1 action: Unknown method 'fly' of 'deck.sdl'",
      "script#2 action: Found 'endif' at position 2 (uuid 77) without a matching opening statement",
      "script#3 args.amount_in_mg: Argument 'amount_in_mg' of deck.sdl.dose_solid: 'x' is not a number",
    ]);
  });
});

describe('validateWorkflow: embedded workflows', () => {
  const child = [
    act('deck.sdl', 'dose_solid', { amount_in_mg: '#amount' }, { id: 1, return: 'mass' }),
    act('comment', 'comment', { statement: '#label' }, { id: 2 }),
  ];

  it('binds the workflow parameters to the call args and exposes its outputs afterwards', () => {
    const d = doc([
      act('workflows', 'child', { amount: '#dose', label: 'A' }, { workflow: child }),
      act('math_variable', 'double', { statement: 'mass * 2' }),
    ]);
    const result = validateWorkflow(d, demoSchema);
    expect(result.errors).toEqual([]);
    expect(result.parameters.map((p) => p.name)).toEqual(['dose']);
    expect(result.outputs).toEqual(['mass']);
  });

  it('reports missing and unknown call args and problems inside the embedded steps', () => {
    const d = doc([
      act('workflows', 'child', { amount: 1, colour: 'red' }, { workflow: [...child, act('deck.sdl', 'fly', {}, { id: 3 })] }),
      act('workflows', 'empty', {}, { workflow: [] }),
    ]);
    expect(messages(d)).toEqual([
      "script#1 workflow[2].action: Unknown method 'fly' of 'deck.sdl'",
      "script#1 args.label: Missing argument 'label' for workflow 'child'",
      "script#1 args.colour: Workflow 'child' has no parameter 'colour'",
      "script#2 workflow: The embedded workflow 'empty' has no steps; add it again from the library",
    ]);
  });
});
