import type { EventEnvelope, JsonValue } from '@ivoryos/contracts';
import { readCheckpoint, serializeCheckpoint, type RunCheckpoint } from '../checkpoint';
import { act, doc, eventsOf, InstantClock, runHarness, stepRows } from '../testing/run-harness';

/** The position of the phase's outer sequence. */
const topPc = (c: RunCheckpoint): number => {
  const frame = c.state.phase?.stack[0];
  return frame?.t === 'seq' ? frame.pc : -1;
};

const step = (name: string, extra = {}) => act('deck.sdl', name, {}, extra);
const WORKFLOW = doc([step('one', { return: 'a' }), step('two', { return: 'b' }), step('three')], [], [step('park')]);

function checkpoints(events: EventEnvelope[]): RunCheckpoint[] {
  return eventsOf(events, 'checkpoint').map((e) => readCheckpoint(e.checkpoint));
}

/** As the agent would store it: JSON text, read back by a fresh process. */
const viaJson = (checkpoint: RunCheckpoint): JsonValue => JSON.parse(serializeCheckpoint(checkpoint)) as JsonValue;

describe('resuming from a checkpoint', () => {
  it('reports a step that had started as interrupted and waits; retry runs it again as a new attempt', async () => {
    const first = await runHarness(WORKFLOW, { handlers: { one: () => 1, two: () => 2 } });
    const inFlight = checkpoints(first.events).find((c) => c.state.inFlight?.methodName === 'two')!;
    expect(inFlight.state.inFlight).toMatchObject({ kind: 'action', instrument: 'deck.sdl', attempt: 1, location: { stepIndex: 2 } });

    const prompts: string[] = [];
    const resumed = await runHarness(WORKFLOW, {
      checkpoint: viaJson(inFlight), handlers: { two: () => 22 },
      respond: (prompt, run) => {
        prompts.push(`${prompt.kind}: ${prompt.message}`);
        run.retry(prompt.promptId);
      },
    });
    expect(prompts).toEqual([
      'interrupted: deck.sdl.two (step 2) was running when the run was interrupted; whether it completed is unknown. Retry runs it again, skip moves on.',
    ]);
    expect(resumed.calls.map((c) => [c.action, c.attempt])).toEqual([['two', 2], ['three', 1], ['park', 1]]);
    expect(stepRows(resumed.events).slice(0, 2)).toEqual([
      { method: 'two', status: 'interrupted', attempt: 1, stepIndex: 2, sample: 0 },
      { method: 'two', status: 'completed', attempt: 2, stepIndex: 2, sample: 0 },
    ]);
    expect(eventsOf(resumed.events, 'phase.finished')[0].outputs).toEqual([{ a: 1, b: 22 }]);
    expect(eventsOf(resumed.events, 'phase.started').map((e) => e.phase)).toEqual(['cleanup']);
  });

  it('skipping an interrupted step never runs it again', async () => {
    const first = await runHarness(WORKFLOW);
    const inFlight = checkpoints(first.events).find((c) => c.state.inFlight?.methodName === 'two')!;
    const resumed = await runHarness(WORKFLOW, { checkpoint: viaJson(inFlight), respond: (p, run) => run.skip(p.promptId) });
    expect(resumed.calls.map((c) => c.action)).toEqual(['three', 'park']);
  });

  it('never repeats a completed step', async () => {
    const first = await runHarness(WORKFLOW);
    const afterOne = checkpoints(first.events).find((c) => c.state.phase?.key === 'script' && c.state.inFlight === null && topPc(c) === 1)!;
    const resumed = await runHarness(WORKFLOW, { checkpoint: viaJson(afterOne) });
    expect(resumed.calls.map((c) => c.action)).toEqual(['two', 'three', 'park']);
    expect(eventsOf(resumed.events, 'run.status').map((e) => e.status)).toEqual(['running', 'completed']);
  });

  it('continues the event numbering, or starts where the journal says', async () => {
    const first = await runHarness(WORKFLOW);
    const checkpointEvent = first.events.find((e) => e.event.type === 'checkpoint' && readCheckpoint(e.event.checkpoint).state.inFlight?.methodName === 'two')!;
    const checkpoint = readCheckpoint((checkpointEvent.event as { checkpoint: JsonValue }).checkpoint);
    expect(checkpoint.nextSeq).toBe(checkpointEvent.seq + 1);
    const resumed = await runHarness(WORKFLOW, { checkpoint: viaJson(checkpoint), respond: (p, run) => run.skip(p.promptId) });
    expect(resumed.events[0].seq).toBe(checkpointEvent.seq + 1);
    const fromJournal = await runHarness(WORKFLOW, { checkpoint: viaJson(checkpoint), nextSeq: 500, respond: (p, run) => run.skip(p.promptId) });
    expect(fromJournal.events.map((e) => e.seq)).toEqual(fromJournal.events.map((_e, i) => 500 + i));
  });

  it('waits only the rest of a wait that was running', async () => {
    const workflow = doc([act('wait', 'wait', { statement: 10 }), step('after')]);
    const first = await runHarness(workflow, { clock: new InstantClock(0) });
    const midWait = checkpoints(first.events).find((c) => c.state.inFlight?.kind === 'wait')!;
    expect(midWait.state.inFlight).toMatchObject({ until: 10_000 });
    const clock = new InstantClock(4_000);
    const resumed = await runHarness(workflow, { clock, checkpoint: viaJson(midWait) });
    expect(clock.time).toBe(10_000);
    expect(eventsOf(resumed.events, 'step.started').map((e) => e.methodName)).toEqual(['after']);
    expect(stepRows(resumed.events)[0]).toEqual({ method: 'wait', status: 'completed', attempt: 1, stepIndex: 1, sample: 0 });
  });

  it('closes the record of a wait in flight when the checkpoint already says stop now', async () => {
    const workflow = doc([act('wait', 'wait', { statement: 10 }), step('after')]);
    const first = await runHarness(workflow);
    const midWait = checkpoints(first.events).find((c) => c.state.inFlight?.kind === 'wait')!;
    const stopped = { ...midWait, state: { ...midWait.state, stopNow: true } };
    const resumed = await runHarness(workflow, { checkpoint: viaJson(stopped) });
    expect(stepRows(resumed.events)).toEqual([{ method: 'wait', status: 'skipped', attempt: 1, stepIndex: 1, sample: 0 }]);
    expect(resumed.calls).toEqual([]);
    expect(resumed.outcome.status).toBe('stopped');
  });

  it('asks again with the same prompt after a restart while waiting on an error', async () => {
    const workflow = doc([step('fail'), step('after')]);
    const fails = { fail: (_c: unknown, n: number) => { if (n === 1) throw new Error('boom'); return 'ok'; } };
    const first = await runHarness(workflow, { handlers: fails, respond: (_p, run) => run.stopNow() });
    expect(first.outcome.status).toBe('stopped');
    const waitingCheckpoint = checkpoints(first.events).find((c) => c.state.pending?.kind === 'error');
    const promptId = waitingCheckpoint!.state.pending!.prompt.promptId;
    const resumed = await runHarness(workflow, {
      checkpoint: viaJson(waitingCheckpoint!), handlers: { fail: () => 'ok' },
      respond: (prompt, run) => {
        expect(prompt.promptId).toBe(promptId);
        expect(prompt.message).toBe('Step 1 (deck.sdl.fail) failed: boom');
        run.retry(promptId);
      },
    });
    expect(eventsOf(resumed.events, 'run.status')[0]).toMatchObject({ status: 'waiting', waiting: { promptId } });
    expect(resumed.calls.map((c) => [c.action, c.attempt])).toEqual([['fail', 2], ['after', 1]]);
  });

  it('asks again for an input, and keeps a pause', async () => {
    const workflow = doc([act('input', 'n', { statement: 'N?' }, { arg_types: { statement: 'int' } }), step('use', { args: { n: '#n' } })]);
    workflow.script_dict.script[1].args = { n: '#n' };
    let atInput: RunCheckpoint | undefined;
    await runHarness(workflow, {
      respond: (_p, run) => {
        atInput = run.checkpoint();
        run.submitInput(1);
      },
    });
    expect(atInput!.state.pending?.kind).toBe('input');
    const resumed = await runHarness(workflow, { checkpoint: viaJson(atInput!), respond: (p, run) => run.submitInput('7', p.promptId) });
    expect(resumed.calls.map((c) => c.args)).toEqual([{ n: 7 }]);

    let paused: RunCheckpoint | undefined;
    await runHarness(WORKFLOW, {
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.started' && e.methodName === 'one') run.pause();
        if (e.type === 'run.status' && e.status === 'paused') {
          setImmediate(() => {
            paused = run.checkpoint();
            run.stopNow();
          });
        }
      },
    });
    expect(paused!.state.paused).toBe(true);
    const statuses: string[] = [];
    const again = await runHarness(WORKFLOW, {
      checkpoint: viaJson(paused!),
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'run.status') statuses.push(e.status);
        if (e.type === 'run.status' && e.status === 'paused') setImmediate(() => run.resume());
      },
    });
    expect(statuses).toEqual(['running', 'paused', 'running', 'completed']);
    expect(again.calls.map((c) => c.action)).toEqual(['two', 'three', 'park']);
  });

  it('remembers a stop-after-iteration request', async () => {
    const first = await runHarness(WORKFLOW, {
      plan: { repeat: 3 },
      onEvent: (envelope, run) => {
        const e = envelope.event;
        if (e.type === 'step.finished' && e.methodName === 'one') run.stopAfterIteration({ cleanup: false });
      },
    });
    // The first checkpoint after the request: the step boundary after `one`.
    const requested = checkpoints(first.events).find((c) => c.state.stopAfter !== null);
    const resumed = await runHarness(WORKFLOW, { plan: { repeat: 3 }, checkpoint: viaJson(requested!) });
    expect(resumed.calls.map((c) => c.action)).toEqual(['two', 'three']);
    expect(resumed.outcome.status).toBe('stopped');
  });

  it('completes an in-flight step from the journal instead of calling the driver again', async () => {
    const first = await runHarness(WORKFLOW, { handlers: { one: () => 1, two: () => 2 } });
    const inFlight = checkpoints(first.events).find((c) => c.state.inFlight?.methodName === 'two')!;
    const resumed = await runHarness(WORKFLOW, { checkpoint: viaJson(inFlight), inFlightResult: { status: 'completed', output: 2 } });
    expect(resumed.calls.map((c) => c.action)).toEqual(['three', 'park']);
    expect(eventsOf(resumed.events, 'step.finished').map((e) => e.methodName)).toEqual(['three', 'park']);
    expect(eventsOf(resumed.events, 'phase.finished')[0].outputs).toEqual([{ a: 1, b: 2 }]);
    expect(eventsOf(resumed.events, 'log')[0].message).toBe('Step 2 (deck.sdl.two) completed before the restart; its result was taken from the journal');

    const failed = await runHarness(WORKFLOW, {
      checkpoint: viaJson(inFlight), inFlightResult: { status: 'failed', output: null, error: 'jammed' },
      respond: (prompt, run) => {
        expect(prompt.message).toBe('Step 2 (deck.sdl.two) failed: jammed');
        run.retry(prompt.promptId);
      },
    });
    expect(failed.calls.map((c) => [c.action, c.attempt])).toEqual([['two', 2], ['three', 1], ['park', 1]]);
  });

  it('does nothing but report the end when resumed from the final checkpoint', async () => {
    const first = await runHarness(WORKFLOW);
    const final = checkpoints(first.events).at(-1)!;
    expect(final.state.stage).toBe('done');
    const resumed = await runHarness(WORKFLOW, { checkpoint: viaJson(final) });
    expect(resumed.calls).toEqual([]);
    expect(resumed.events.map((e) => e.event.type)).toEqual(['run.status', 'checkpoint']);
    expect(resumed.outcome.status).toBe('completed');
  });
});
