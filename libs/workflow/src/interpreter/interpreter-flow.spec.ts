import { WorkflowStructureError } from './program';
import { CF_DEMO } from '../testing/ivoryos-examples';
import { act, doc, eventsOf, ifBlock, InstantClock, loopBlock, runHarness, stepRows } from '../testing/run-harness';

const noop = (name: string, args = {}, extra = {}) => act('deck.sdl', name, args, extra);

describe('phases and iterations', () => {
  it('runs prep once, the script phase per repeat and cleanup once, with fresh contexts per phase', async () => {
    const { outcome, events, calls } = await runHarness(
      doc([noop('measure', {}, { return: 'm' })], [noop('prime', {}, { return: 'p' })], [noop('park')]),
      { plan: { repeat: 3 }, handlers: { measure: (_c, n) => n, prime: () => 'ok' } },
    );
    expect(outcome).toEqual({ status: 'completed', error: null });
    expect(calls.map((c) => `${c.location.phase}${c.location.repeatIndex}:${c.action}`)).toEqual([
      'prep1:prime', 'main1:measure', 'main2:measure', 'main3:measure', 'cleanup1:park',
    ]);
    expect(eventsOf(events, 'phase.started').map((e) => [e.phase, e.repeatIndex, e.parameters])).toEqual([
      ['prep', 1, null], ['main', 1, null], ['main', 2, null], ['main', 3, null], ['cleanup', 1, null],
    ]);
    expect(eventsOf(events, 'phase.finished').map((e) => e.outputs)).toEqual([[{ p: 'ok' }], [{ m: 1 }], [{ m: 2 }], [{ m: 3 }], [{}]]);
    expect(eventsOf(events, 'progress')).toEqual([
      { type: 'progress', iteration: 1, total: 3, step: 0, steps: 1 }, { type: 'progress', iteration: 1, total: 3, step: 1, steps: 1 },
      { type: 'progress', iteration: 2, total: 3, step: 0, steps: 1 }, { type: 'progress', iteration: 2, total: 3, step: 1, steps: 1 },
      { type: 'progress', iteration: 3, total: 3, step: 0, steps: 1 }, { type: 'progress', iteration: 3, total: 3, step: 1, steps: 1 },
    ]);
    expect(eventsOf(events, 'run.status').map((e) => e.status)).toEqual(['running', 'completed']);
  });

  it('numbers events 1, 2, 3... per run, stamps them with the clock, and ends with a checkpoint', async () => {
    const clock = new InstantClock(Date.UTC(2026, 4, 14, 12));
    const { events } = await runHarness(doc([noop('a'), act('wait', 'wait', { statement: 2 })]), { clock });
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(new Set(events.map((e) => `${e.runId}/${e.deck}`))).toEqual(new Set(['run-1/demo']));
    expect(events[0].at).toBe('2026-05-14T12:00:00.000Z');
    expect(events.at(-1)!.at).toBe('2026-05-14T12:00:02.000Z');
    expect(events.at(-1)!.event.type).toBe('checkpoint');
  });

  it('runs one iteration per parameter row, resolving #params and converting literal text by arg_types', async () => {
    const script = [noop('dose', { amount: '#amount', rate: '1', label: 'run #amount' }, { arg_types: { amount: 'float', rate: 'float', label: 'str' }, return: 'mass' })];
    const { calls, events } = await runHarness(doc(script), {
      plan: { parameters: [{ amount: 5 }, { amount: 10 }] }, handlers: { dose: (c) => Number(c.args.amount) * 2 },
    });
    expect(calls.map((c) => c.args)).toEqual([{ amount: 5, rate: 1, label: 'run 5' }, { amount: 10, rate: 1, label: 'run 10' }]);
    expect(eventsOf(events, 'phase.started').filter((e) => e.phase === 'main').map((e) => e.parameters)).toEqual([[{ amount: 5 }], [{ amount: 10 }]]);
    expect(eventsOf(events, 'phase.finished').filter((e) => e.phase === 'main').map((e) => e.outputs)).toEqual([
      [{ amount: 5, mass: 10 }], [{ amount: 10, mass: 20 }],
    ]);
  });

  it('records step rows for actions, wait, pause and comment only, each with the whole sample context', async () => {
    const script = [
      act('variable', 'n', { statement: 2 }, { arg_types: { statement: 'int' } }),
      ...loopBlock('repeat', { statement: '#n' }, [noop('tick', {}, { return: 't' })]),
      act('math_variable', 'twice', { statement: 't * 2' }),
      act('comment', 'comment', { statement: 'twice=#twice' }),
      act('wait', 'wait', { statement: 0 }),
      act('pause', 'pause', { statement: 'look' }),
      act('input', 'who', { statement: 'Who?' }, { return: 'who' }),
    ];
    const { events } = await runHarness(doc(script), {
      handlers: { tick: (_c, k) => k },
      respond: (prompt, run) => (prompt.kind === 'input' ? run.submitInput('ann') : run.resume()),
    });
    expect(stepRows(events)).toEqual([
      { method: 'tick', status: 'completed', attempt: 1, stepIndex: 3, sample: 0 },
      { method: 'tick', status: 'completed', attempt: 1, stepIndex: 3, sample: 0 },
      { method: 'comment', status: 'completed', attempt: 1, stepIndex: 6, sample: 0 },
      { method: 'wait', status: 'completed', attempt: 1, stepIndex: 7, sample: 0 },
      { method: 'pause', status: 'completed', attempt: 1, stepIndex: 8, sample: 0 },
    ]);
    const finished = eventsOf(events, 'step.finished');
    expect(finished[2]).toMatchObject({ args: { statement: 'twice=4' }, context: { n: 2, t: 2, twice: 4 }, section: 'script-5' });
    expect(eventsOf(events, 'log').map((l) => l.message)).toEqual(['Comment: twice=4', 'Input who = "ann"']);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ n: 2, t: 2, twice: 4, who: 'ann' }]);
  });
});

describe('flow control', () => {
  it('runs cf_demo (§2.2): variable, repeat, per-iteration if/else, pause, math, input and tuple returns', async () => {
    const scores = [0.25, 0.75, 0.5];
    const { events, calls } = await runHarness(doc(CF_DEMO), {
      plan: { parameters: [{ p1: 7 }] },
      handlers: { analyze: (_c, k) => scores[k - 1], multi: () => [1, 2.5, 'x'] },
      respond: (prompt, run) => (prompt.kind === 'input' ? run.submitInput('AB') : run.resume()),
    });
    expect(calls.map((c) => [c.action, c.args])).toEqual([
      ['analyze', { param_1: 7, param_2: 1 }], ['analyze', { param_1: 7, param_2: 1 }], ['analyze', { param_1: 7, param_2: 1 }], ['multi', {}],
    ]);
    expect(stepRows(events).map((r) => r.method)).toEqual(['analyze', 'pause', 'analyze', 'comment', 'analyze', 'pause', 'multi']);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ p1: 7, n: 3, score: 0.5, pct: 50, initials: 'AB', a: 1, c: 'x' }]);
  });

  it('loops while the condition holds, recording while_index', async () => {
    const script = [
      act('variable', 'x', { statement: 0 }, { arg_types: { statement: 'int' } }),
      ...loopBlock('while', { statement: 'x < 3' }, [noop('step', { at: '#x' }), act('math_variable', 'x', { statement: 'x + 1' }, { arg_types: { statement: 'int' } })]),
    ];
    const { calls, events } = await runHarness(doc(script));
    expect(calls.map((c) => c.args.at)).toEqual([0, 1, 2]);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ x: 3, while_index: 2 }]);
  });

  it('stops a runaway while loop at max_iterations and asks: retry allows more passes, skip leaves the loop', async () => {
    const script = [...loopBlock('while', { statement: 'True', max_iterations: 3 }, [noop('spin')]), noop('after')];
    const prompts: string[] = [];
    const { calls, outcome } = await runHarness(doc(script), {
      respond: (prompt, run) => {
        prompts.push(prompt.message);
        if (prompts.length === 1) run.retry(prompt.promptId);
        else run.skip(prompt.promptId);
      },
    });
    expect(calls.map((c) => c.action)).toEqual([...Array(6).fill('spin'), 'after']);
    expect(prompts).toEqual([
      "while 'True' reached max_iterations (3) after 3 passes; retry allows 3 more, skip leaves the loop",
      "while 'True' reached max_iterations (3) after 6 passes; retry allows 3 more, skip leaves the loop",
    ]);
    expect(outcome.status).toBe('completed');
  });

  it('waits on a condition that is neither text nor a boolean (IvoryOS: TypeError ends the run)', async () => {
    const { calls, events } = await runHarness(doc([...ifBlock(null, [noop('inside')]), noop('after')]), {
      respond: (prompt, run) => run.skip(prompt.promptId),
    });
    expect(eventsOf(events, 'run.status')[1].waiting?.message).toBe('The if condition must be an expression or a boolean, got null');
    expect(calls.map((c) => c.action)).toEqual(['after']);
  });

  it('enforces the default limit of 1000 passes', async () => {
    const { calls } = await runHarness(doc([...loopBlock('while', { statement: true }, [noop('spin')])]), {
      respond: (prompt, run) => run.skip(prompt.promptId),
    });
    expect(calls).toHaveLength(1000);
  });

  it('evaluates if per sample and runs each sample through its own branch (batch of 2)', async () => {
    const script = [...ifBlock('#x > 1', [noop('big', { x: '#x' })], [noop('small', { x: '#x' })]), noop('all', { x: '#x' })];
    const { calls } = await runHarness(doc(script), { plan: { parameters: [{ x: 1 }, { x: 2 }], batchSize: 2 } });
    expect(calls.map((c) => `${c.action}:${String(c.args.x)}:${c.location.sample}`)).toEqual(['small:1:0', 'big:2:1', 'all:1:0', 'all:2:1']);
  });

  it('repeats per sample with each sample\'s own count', async () => {
    const script = [...loopBlock('repeat', { statement: 'n' }, [noop('tick', { n: '#n' })])];
    const { calls } = await runHarness(doc(script), { plan: { parameters: [{ n: 2 }, { n: 1 }], batchSize: 2 } });
    expect(calls.map((c) => `${c.location.sample}:${String(c.args.n)}`)).toEqual(['0:2', '0:2', '1:1']);
  });

  it('skips disabled steps and blocks, logging them', async () => {
    const disabledIf = ifBlock(true, [noop('inside')]).map((a, i) => (i === 0 ? { ...a, disabled: true } : a));
    const { calls, events } = await runHarness(doc([noop('off', {}, { disabled: true }), ...disabledIf, noop('on')]));
    expect(calls.map((c) => c.action)).toEqual(['on']);
    expect(eventsOf(events, 'log').map((l) => l.message)).toEqual(['Skipping disabled step: off', 'Skipping disabled step: if']);
  });

  it('waits on the injected clock', async () => {
    const clock = new InstantClock(0);
    const { events } = await runHarness(doc([act('wait', 'wait', { statement: '#s * 2' })]), { clock, plan: { parameters: [{ s: 1.5 }] } });
    expect(clock.time).toBe(3000);
    expect(eventsOf(events, 'step.started')[0].args).toEqual({ statement: 3 });
  });
});

describe('failures outside instrument calls wait like step errors', () => {
  it.each([
    ['a repeat count', [...loopBlock('repeat', { statement: 'missing' }, [noop('inside')])], "Error evaluating repeat count 'missing': name 'missing' is not defined"],
    ['a fractional repeat count', [...loopBlock('repeat', { statement: '1.5' }, [noop('inside')])], 'repeat needs a non-negative integer, got 1.5'],
    ['a wait', [act('wait', 'wait', { statement: '0 - 1' })], 'wait needs a non-negative number, got -1'],
    ['a workflow call', [act('workflows', 'child', { k: '#missing' }, { workflow: [{ ...noop('inside', { k: '#k' }), id: 1 }] })], "Workflow 'child': Missing value for '#missing'"],
    ['an action argument', [noop('inside', { k: 'for #missing' })], "Step 1 (deck.sdl.inside): Missing value for '#missing'"],
  ])('%s', async (_name, script, message) => {
    const prompts: string[] = [];
    const { calls, outcome } = await runHarness(doc([...script, noop('after')]), {
      respond: (prompt, run) => {
        prompts.push(prompt.message);
        run.skip(prompt.promptId);
      },
    });
    expect(prompts).toEqual([message]);
    expect(calls.map((c) => c.action)).toEqual(['after']);
    expect(outcome.status).toBe('completed');
  });
});

describe('variables and inputs', () => {
  it('converts variables and math results to their declared types', async () => {
    const script = [
      act('variable', 'i', { statement: '7' }, { arg_types: { statement: 'int' } }),
      act('variable', 'flag', { statement: 'false' }, { arg_types: { statement: 'bool' } }),
      act('variable', 'label', { statement: 'vial #i' }, { arg_types: { statement: 'str' } }),
      act('variable', 'f', { statement: 'i / 2' }, { arg_types: { statement: 'float' } }),
      act('math_variable', 'whole', { statement: 'i / 2' }, { arg_types: { statement: 'int' } }),
      act('math_variable', 'neg', { statement: '-7 / 2' }, { arg_types: { statement: 'int' } }),
      act('math_variable', 'text', { statement: 'i * 2' }, { arg_types: { statement: 'str' } }),
      act('math_variable', 'truth', { statement: 'i - 7' }, { arg_types: { statement: 'bool' } }),
    ];
    const { events } = await runHarness(doc(script));
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([
      { i: 7, flag: false, label: 'vial 7', f: 3.5, whole: 3, neg: -3, text: '14', truth: false },
    ]);
  });

  it('asks for input with the declared type, refusing values that do not convert', async () => {
    const answers: unknown[] = [];
    const { events } = await runHarness(doc([act('input', 'n', { statement: 'How many for #who?' }, { arg_types: { statement: 'int' } })]), {
      plan: { parameters: [{ who: 'ann' }] },
      respond: (prompt, run) => {
        expect(prompt).toMatchObject({ kind: 'input', message: 'How many for ann?', inputType: 'int' });
        answers.push(run.submitInput('2.5'), run.submitInput('3', 'wrong-id'), run.submitInput('3', prompt.promptId), run.submitInput('4'));
      },
    });
    expect(answers).toEqual([
      { accepted: false, reason: "'2.5' is not an integer" },
      { accepted: false, reason: 'prompt wrong-id is not the current prompt' },
      { accepted: true },
      { accepted: false, reason: 'the prompt has already been answered' },
    ]);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ who: 'ann', n: 3 }]);
  });

  it('asks each sample of a batch, naming the sample', async () => {
    const messages: string[] = [];
    await runHarness(doc([act('input', 'n', { statement: 'N?' }, { arg_types: { statement: 'int' } })]), {
      plan: { repeat: 1, batchSize: 2 },
      respond: (prompt, run) => {
        messages.push(prompt.message);
        run.submitInput(messages.length);
      },
    });
    expect(messages).toEqual(['N? (sample 1 of 2)', 'N? (sample 2 of 2)']);
  });

  it('waits on a variable error like on a step error', async () => {
    const { events, outcome } = await runHarness(doc([act('math_variable', 'x', { statement: 'missing + 1' })]), {
      respond: (prompt, run) => run.skip(prompt.promptId),
    });
    expect(eventsOf(events, 'run.status')[1].waiting).toMatchObject({ kind: 'error', message: "Variable error (x): name 'missing' is not defined" });
    expect(outcome.status).toBe('completed');
  });
});

describe('batches', () => {
  it('runs per-sample steps for each sample and batch_action steps once, consolidating args and sharing new outputs', async () => {
    const script = [
      noop('dose', { vial: '#vial' }, { return: 'mass' }),
      noop('analyze', { vials: '#vial', tag: '#vial', mode: 'fast' }, { batch_action: true, consolidate_batch_args: ['vials'], return: 'report' }),
      act('wait', 'wait', { statement: 1 }, { batch_action: true }),
    ];
    const rows = [{ vial: 'A' }, { vial: 'B' }, { vial: 'C' }];
    const clock = new InstantClock(0);
    const { calls, events } = await runHarness(doc(script), {
      clock, plan: { parameters: rows, batchSize: 2 }, handlers: { dose: (c) => `m-${String(c.args.vial)}`, analyze: (c) => (c.args.vials as string[]).join('+') },
    });
    expect(calls.map((c) => [c.action, c.args, c.location.sample, c.batch])).toEqual([
      ['dose', { vial: 'A' }, 0, false], ['dose', { vial: 'B' }, 1, false],
      ['analyze', { vials: ['A', 'B'], tag: 'A', mode: 'fast' }, 0, true],
      ['dose', { vial: 'C' }, 0, false],
      ['analyze', { vials: ['C'], tag: 'C', mode: 'fast' }, 0, true],
    ]);
    expect(clock.time).toBe(2000);
    expect(eventsOf(events, 'phase.finished').filter((e) => e.phase === 'main').map((e) => e.outputs)).toEqual([
      [{ vial: 'A', mass: 'm-A', report: 'A+B' }, { vial: 'B', mass: 'm-B', report: 'A+B' }],
      [{ vial: 'C', mass: 'm-C', report: 'C' }],
    ]);
  });

  it('runs a while loop over the samples still passing its condition', async () => {
    const script = [...loopBlock('while', { statement: 'n > 0' }, [act('math_variable', 'n', { statement: 'n - 1' }, { arg_types: { statement: 'int' } }), noop('tick', { n: '#n' })])];
    const { calls } = await runHarness(doc(script), { plan: { parameters: [{ n: 1 }, { n: 2 }], batchSize: 2 } });
    expect(calls.map((c) => `${c.location.sample}:${String(c.args.n)}`)).toEqual(['0:0', '1:1', '1:0']);
  });
});

describe('embedded workflows', () => {
  const child = [
    { ...noop('dose', { amount: '#amount' }, { return: 'mass' }), id: 1 },
    { ...act('math_variable', 'double', { statement: 'mass * 2' }), id: 2 },
    { ...act('input', 'note', { statement: 'Note for #label?' }, { return: 'note' }), id: 3 },
  ];

  it('binds call args as the workflow\'s parameters and writes its outputs into the caller\'s context', async () => {
    const script = [
      act('workflows', 'child', { amount: '#dose', label: 'A' }, { workflow: child, return: 'result' }),
      noop('after', { m: '#mass' }),
    ];
    const { calls, events } = await runHarness(doc(script), {
      plan: { parameters: [{ dose: 3 }] }, handlers: { dose: (c) => Number(c.args.amount) + 1 },
      respond: (prompt, run) => {
        expect(prompt.message).toBe('Note for A?');
        run.submitInput('ok');
      },
    });
    expect(calls.map((c) => [c.action, c.args, c.location.section])).toEqual([
      ['dose', { amount: 3 }, 'script-0-0'], ['after', { m: 4 }, 'script-1'],
    ]);
    expect(eventsOf(events, 'log').map((l) => l.message)[0]).toBe('Entering workflow: child with args: {"amount":3,"label":"A"}');
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([
      { dose: 3, mass: 4, double: 8, note: 'ok', result: { mass: 4, note: 'ok' } },
    ]);
  });

  it('runs a batch_action workflow once and shares its outputs with the other samples', async () => {
    const script = [act('workflows', 'child', { amount: '#dose', label: 'A' }, { workflow: child.slice(0, 1), batch_action: true })];
    const { calls, events } = await runHarness(doc(script), { plan: { parameters: [{ dose: 1 }, { dose: 2 }], batchSize: 2 }, handlers: { dose: () => 9 } });
    expect(calls).toHaveLength(1);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ dose: 1, mass: 9 }, { dose: 2, mass: 9 }]);
  });
});

describe('return values', () => {
  it('saves tuple slots and sanitises results', async () => {
    const { events } = await runHarness(doc([noop('multi', {}, { return: ['a', '', 'c'] }), noop('when', {}, { return: 'when' })]), {
      handlers: { multi: () => [1, 2, new Set([3])], when: () => new Date(Date.UTC(2026, 4, 14)) },
    });
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ a: 1, c: [3], when: '2026-05-14T00:00:00.000Z' }]);
    expect(eventsOf(events, 'step.finished')[0].output).toEqual([1, 2, [3]]);
  });

  it('fails the step when a tuple slot has no item', async () => {
    const { events } = await runHarness(doc([noop('multi', {}, { return: ['a', 'b'] })]), {
      handlers: { multi: () => [1] }, respond: (p, run) => run.skip(p.promptId),
    });
    expect(eventsOf(events, 'step.finished')[0]).toMatchObject({
      status: 'failed', error: "Cannot save return value 1 as 'b'; result is not indexable at that position.",
    });
  });
});

it('refuses a workflow whose markers do not nest', async () => {
  await expect(runHarness(doc([act('if', 'endif')]))).rejects.toThrow(WorkflowStructureError);
});
