import type { EventEnvelope } from '@ivoryos/contracts';
import { act, doc, eventsOf, ManualClock, runHarness, stepRows } from '../testing/run-harness';
import { WorkflowInterpreter } from './interpreter';
import { StepInterruptedError } from './types';

const step = (name: string, extra = {}) => act('deck.sdl', name, {}, extra);
const statuses = (events: EventEnvelope[]) => eventsOf(events, 'run.status').map((e) => e.status);

describe('step errors wait for the operator (IvoryOS measured behaviour §4)', () => {
  it('err_wf: a failing step retried once, then skipped; the rest and cleanup run', async () => {
    const decisions = ['retry', 'skip'];
    const { events, outcome } = await runHarness(doc([step('noop', { return: 'a' }), step('fail', { return: 'b' }), step('noop', { return: 'c' })], [], [step('park')]), {
      handlers: { noop: (_c, n) => n * 2 - 1, fail: () => { throw new Error('boom'); } },
      respond: (prompt, run) => (decisions.shift() === 'retry' ? run.retry(prompt.promptId) : run.skip(prompt.promptId)),
    });
    expect(stepRows(events).map((r) => [r.stepIndex, r.status, r.attempt])).toEqual([
      [1, 'completed', 1], [2, 'failed', 1], [2, 'failed', 2], [3, 'completed', 1], [1, 'completed', 1],
    ]);
    expect(eventsOf(events, 'step.finished')[1]).toMatchObject({ error: 'boom', output: null, context: { a: 1 } });
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ a: 1, c: 3 }]);
    expect(statuses(events)).toEqual(['running', 'waiting', 'running', 'waiting', 'running', 'completed']);
    expect(eventsOf(events, 'run.status')[1].waiting).toMatchObject({
      promptId: 'prompt-1', kind: 'error', message: 'Step 2 (deck.sdl.fail) failed: boom',
    });
    expect(outcome).toEqual({ status: 'completed', error: null });
  });

  it('flaky: a step that fails once succeeds on retry as a new row', async () => {
    const { events } = await runHarness(doc([step('flaky', { return: 'calls' })]), {
      handlers: { flaky: (_c, n) => { if (n === 1) throw new Error('not yet'); return n; } },
      respond: (prompt, run) => run.retry(prompt.promptId),
    });
    expect(stepRows(events).map((r) => [r.method, r.status, r.attempt])).toEqual([['flaky', 'failed', 1], ['flaky', 'completed', 2]]);
    expect(eventsOf(events, 'phase.finished')[1].outputs).toEqual([{ calls: 2 }]);
  });

  it('a driver process that died mid-call makes the step interrupted and waits, whatever the error policy; retry runs it again', async () => {
    const { events, outcome, calls } = await runHarness(doc([step('crash', { return: 'x' }), step('next')]), {
      errorPolicy: 'skip',
      handlers: { crash: (_c, n) => { if (n === 1) throw new StepInterruptedError('the Python bridge exited (signal SIGKILL) during deck.sdl.crash'); return n; } },
      respond: (prompt, run) => run.retry(prompt.promptId),
    });
    expect(calls.map((c) => c.action)).toEqual(['crash', 'crash', 'next']);
    expect(stepRows(events).map((r) => [r.method, r.status, r.attempt])).toEqual([['crash', 'interrupted', 1], ['crash', 'completed', 2], ['next', 'completed', 1]]);
    expect(eventsOf(events, 'step.finished')[0].error).toBe('interrupted: the Python bridge exited (signal SIGKILL) during deck.sdl.crash; outcome unknown');
    expect(eventsOf(events, 'run.status')[1].waiting).toMatchObject({ kind: 'interrupted', message: expect.stringContaining('whether it completed is unknown') });
    expect(outcome.status).toBe('completed');
  });

  it('a failing condition waits too, where IvoryOS ends the run and skips cleanup', async () => {
    const script = [act('if', 'if', { statement: 'missing > 0' }, { uuid: 1 }), step('inside'), act('if', 'endif', {}, { uuid: 1 }), step('after')];
    const { calls, events } = await runHarness(doc(script, [], [step('park')]), { respond: (p, run) => run.skip(p.promptId) });
    expect(calls.map((c) => c.action)).toEqual(['after', 'park']);
    expect(eventsOf(events, 'run.status')[1].waiting?.message).toBe("Error evaluating condition 'missing > 0': name 'missing' is not defined");
  });

  it('error policy skip: moves past failures without waiting', async () => {
    const { calls, events, outcome } = await runHarness(doc([step('fail'), step('next')]), {
      errorPolicy: 'skip', handlers: { fail: () => { throw new Error('boom'); } },
    });
    expect(calls.map((c) => c.action)).toEqual(['fail', 'next']);
    expect(statuses(events)).toEqual(['running', 'completed']);
    expect(eventsOf(events, 'log').map((l) => `${l.level}: ${l.message}`)).toEqual([
      'error: Step 1 (deck.sdl.fail) failed: boom', 'warn: Skipped (error policy: skip)',
    ]);
    expect(outcome.status).toBe('completed');
  });

  it('error policy stop: ends the phase, skips the remaining iterations, still runs cleanup, and fails the run', async () => {
    const { calls, events, outcome } = await runHarness(doc([step('fail'), step('next')], [], [step('park')]), {
      errorPolicy: 'stop', plan: { repeat: 3 }, handlers: { fail: () => { throw new Error('boom'); } },
    });
    expect(calls.map((c) => c.action)).toEqual(['fail', 'park']);
    expect(eventsOf(events, 'phase.finished').map((e) => e.phase)).toEqual(['prep', 'main', 'cleanup']);
    expect(outcome).toEqual({ status: 'failed', error: 'Step 1 (deck.sdl.fail) failed: boom' });
    expect(eventsOf(events, 'run.status').at(-1)).toEqual({ type: 'run.status', status: 'failed', waiting: null, error: 'Step 1 (deck.sdl.fail) failed: boom' });
  });

  it('error policy stop in cleanup ends the run there', async () => {
    const { calls, outcome } = await runHarness(doc([step('ok')], [], [step('fail'), step('never')]), {
      errorPolicy: 'stop', handlers: { fail: () => { throw new Error('stuck'); } },
    });
    expect(calls.map((c) => c.action)).toEqual(['ok', 'fail']);
    expect(outcome.status).toBe('failed');
  });
});

describe('pause and resume', () => {
  it('pauses at the next step boundary, reports paused once stopped, and resumes', async () => {
    const { calls, events } = await runHarness(doc([step('a'), step('b')]), {
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.started' && e.methodName === 'a') expect(run.pause()).toEqual({ accepted: true });
        if (e.type === 'run.status' && e.status === 'paused') {
          expect(run.status).toBe('paused');
          setImmediate(() => expect(run.resume()).toEqual({ accepted: true }));
        }
      },
    });
    expect(calls.map((c) => c.action)).toEqual(['a', 'b']);
    const order = events.map((e) => e.event).filter((e) => e.type === 'run.status' || e.type === 'step.finished')
      .map((e) => (e.type === 'run.status' ? e.status : e.methodName));
    expect(order).toEqual(['running', 'a', 'paused', 'running', 'b', 'completed']);
  });

  it('a pause requested and withdrawn before the boundary never shows', async () => {
    const { events } = await runHarness(doc([step('a'), step('b')]), {
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.started' && e.methodName === 'a') {
          run.pause();
          expect(run.resume()).toEqual({ accepted: true });
        }
      },
    });
    expect(statuses(events)).toEqual(['running', 'completed']);
  });

  it('a pause step records a completed row, then waits for resume', async () => {
    const { events } = await runHarness(doc([act('pause', 'pause', { statement: 'Check vial #v' }), step('after')]), {
      plan: { parameters: [{ v: 3 }] },
      respond: (prompt, run) => {
        expect(prompt).toMatchObject({ kind: 'pause', message: 'Check vial 3' });
        expect(run.retry()).toEqual({ accepted: false, reason: 'no failed step to retry' });
        expect(run.resume(prompt.promptId)).toEqual({ accepted: true });
      },
    });
    expect(stepRows(events).map((r) => [r.method, r.status])).toEqual([['pause', 'completed'], ['after', 'completed']]);
  });
});

describe('stopping', () => {
  it('stop after this iteration: finishes the iteration, then runs cleanup', async () => {
    const { calls, outcome, events } = await runHarness(doc([step('a'), step('b')], [], [step('park')]), {
      plan: { repeat: 5 },
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.started' && e.methodName === 'a' && e.repeatIndex === 2) run.stopAfterIteration();
      },
    });
    expect(calls.map((c) => `${c.action}${c.location.repeatIndex}`)).toEqual(['a1', 'b1', 'a2', 'b2', 'park1']);
    expect(outcome).toEqual({ status: 'stopped', error: null });
    expect(eventsOf(events, 'log').map((l) => l.message)).toEqual(['Stopping after iteration 2 of 5']);
  });

  it('stop after this iteration without cleanup', async () => {
    const { calls, events } = await runHarness(doc([step('a')], [], [step('park')]), {
      plan: { repeat: 3 },
      onEvent: (envelope, run) => {
        if (envelope.event.type === 'step.started') run.stopAfterIteration({ cleanup: false });
      },
    });
    expect(calls.map((c) => c.action)).toEqual(['a']);
    expect(eventsOf(events, 'log').map((l) => l.message)).toEqual(['Stopping after iteration 1 of 3', 'Skipping cleanup section due to stop signal.']);
  });

  it('stop now: lets the running call finish, records the phase, skips the rest and cleanup', async () => {
    let release: () => void = () => undefined;
    const events: EventEnvelope[] = [];
    const calls: string[] = [];
    const interpreter = new WorkflowInterpreter({
      runId: 'r', deck: 'd', workflow: doc([step('slow', { return: 'x' }), step('never')], [], [step('park')]), plan: {},
      invoker: {
        invoke: (call) => {
          calls.push(call.action);
          return new Promise((resolve) => {
            release = () => resolve('done');
          });
        },
      },
      onEvent: (e) => void events.push(e),
    });
    const running = interpreter.run();
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['slow']);
    expect(interpreter.stopNow()).toEqual({ accepted: true });
    release();
    expect(await running).toEqual({ status: 'stopped', error: null });
    expect(calls).toEqual(['slow']);
    expect(stepRows(events)).toEqual([{ method: 'slow', status: 'completed', attempt: 1, stepIndex: 1, sample: 0 }]);
    expect(eventsOf(events, 'phase.finished').map((e) => [e.phase, e.outputs])).toEqual([['prep', [{}]], ['main', [{ x: 'done' }]]]);
    expect(interpreter.stopNow()).toEqual({ accepted: false, reason: 'the run has finished' });
    expect(interpreter.status).toBe('stopped');
  });

  it('a wait whose timer fires a millisecond before the wall clock reaches its end is completed, not cut short', async () => {
    // setTimeout runs on a monotonic clock and Date.now() on the wall clock: seen in CI as "skipped: Wait cut short by stop" with no stop.
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms - 1) };
    const events: EventEnvelope[] = [];
    const interpreter = new WorkflowInterpreter({
      runId: 'r', deck: 'd', workflow: doc([act('wait', 'wait', { statement: 0.1 })]), plan: {}, clock,
      invoker: { invoke: async () => null }, onEvent: (e) => void events.push(e),
    });
    expect((await interpreter.run()).status).toBe('completed');
    expect(eventsOf(events, 'step.finished')[0]).toMatchObject({ methodName: 'wait', status: 'completed', error: null });
  });

  it('stop now cuts a wait short', async () => {
    const clock = new ManualClock(0);
    const events: EventEnvelope[] = [];
    const interpreter = new WorkflowInterpreter({
      runId: 'r', deck: 'd', workflow: doc([act('wait', 'wait', { statement: 60 })]), plan: {}, clock,
      invoker: { invoke: async () => null }, onEvent: (e) => void events.push(e),
    });
    const running = interpreter.run();
    await new Promise((r) => setImmediate(r));
    expect(clock.sleeping).toBe(1);
    clock.advance(10_000);
    interpreter.stopNow();
    expect((await running).status).toBe('stopped');
    expect(eventsOf(events, 'step.finished')[0]).toMatchObject({ methodName: 'wait', status: 'skipped', error: 'Wait cut short by stop' });
  });

  it('stop now answers a waiting prompt', async () => {
    const { outcome, calls } = await runHarness(doc([step('fail'), step('never')], [], [step('park')]), {
      handlers: { fail: () => { throw new Error('x'); } }, respond: (_p, run) => run.stopNow(),
    });
    expect(outcome.status).toBe('stopped');
    expect(calls.map((c) => c.action)).toEqual(['fail']);
  });

  it('stop now while paused', async () => {
    const { outcome, calls } = await runHarness(doc([step('a'), step('b')]), {
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.started') run.pause();
        if (e.type === 'run.status' && e.status === 'paused') setImmediate(() => run.stopNow());
      },
    });
    expect(outcome.status).toBe('stopped');
    expect(calls.map((c) => c.action)).toEqual(['a']);
  });
});

describe('controls that do not apply are refused with a reason', () => {
  it('knows what it is waiting for', async () => {
    const answers: unknown[] = [];
    await runHarness(doc([step('fail')]), {
      handlers: { fail: (_c, n) => { if (n === 1) throw new Error('x'); } },
      respond: (prompt, run) => {
        answers.push(
          run.submitInput(1), run.resume(), run.retry('prompt-9'), run.skip('prompt-9'),
          run.retry(prompt.promptId), run.retry(prompt.promptId), run.skip(),
        );
      },
    });
    expect(answers).toEqual([
      { accepted: false, reason: 'the run is not waiting for input' },
      { accepted: false, reason: 'the run is not paused' },
      { accepted: false, reason: 'prompt prompt-9 is not the current prompt' },
      { accepted: false, reason: 'prompt prompt-9 is not the current prompt' },
      { accepted: true },
      { accepted: false, reason: 'the prompt has already been answered' },
      { accepted: false, reason: 'the prompt has already been answered' },
    ]);
  });

  it('refuses retry, skip and input when nothing waits (IvoryOS handle_input_submission: False when not waiting)', async () => {
    const interpreter = new WorkflowInterpreter({ runId: 'r', deck: 'd', workflow: doc([step('a')]), plan: {}, invoker: { invoke: async () => null }, onEvent: () => undefined });
    expect(interpreter.retry()).toEqual({ accepted: false, reason: 'no failed step to retry' });
    expect(interpreter.skip()).toEqual({ accepted: false, reason: 'nothing to skip' });
    expect(interpreter.submitInput('x')).toEqual({ accepted: false, reason: 'the run is not waiting for input' });
    expect(interpreter.resume()).toEqual({ accepted: false, reason: 'the run is not paused' });
    expect(interpreter.waiting).toBeNull();
    await interpreter.run();
    expect(interpreter.pause()).toEqual({ accepted: false, reason: 'the run has finished' });
    expect(interpreter.stopAfterIteration()).toEqual({ accepted: false, reason: 'the run has finished' });
    await expect(interpreter.run()).rejects.toThrow('run() may be called once per interpreter');
  });
});
