import { CONTRACT_VERSION, jobNames, streamKeys, type RunJob } from '@ivoryos/contracts';
import { assertBuilt, streamMessages, waitFor } from './testing/agent-harness';
import { block, expectContiguous, ofType, RunRig, step, stepRows, workflow } from './testing/run-rig';

// Each test starts its own agent process (about a second) and runs real, if short, workflows.
jest.setTimeout(60_000);

const rigs: RunRig[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.dispose();
});

async function rig(): Promise<RunRig> {
  const r = new RunRig();
  rigs.push(r);
  await r.start();
  return r;
}

const noop = (x: number) => step('deck.bench', 'noop', { x });
const noopLine = (x: number) => `bench noop {"x":${x}}`;

describe('executing runs', () => {
  it('runs prep, if/else, repeat, a tuple return and cleanup; events are numbered 1..N without gaps', async () => {
    const r = await rig();
    const wf = workflow(
      [
        step('deck.sdl', 'measure', {}, { return: ['absorbance', 'temp', 'status'] }),
        ...block('if', '#temp > 20', [step('deck.balance', 'weigh_sample', {}, { return: 'weight' })], [noop(-1)]),
        ...block('repeat', 2, [noop(7)]),
      ],
      [step('deck.sdl', 'dose_solvent', { solvent_name: 'Ethanol', amount_in_ml: '2' })],
      [noop(99)],
    );
    const job = await r.accept(r.job(wf, { repeat: 2 }));
    await r.waitForStatus(job.runId, 'completed');
    const events = await r.events(job.runId);

    expectContiguous(events);
    expect(events[0]!.event).toEqual({ type: 'run.status', status: 'running', waiting: null });
    expect(events.at(-2)!.event).toMatchObject({ type: 'run.status', status: 'completed', error: null });
    expect(events.at(-1)!.event.type).toBe('checkpoint');
    expect(ofType(events, 'phase.started').map((e) => `${e.event.phase}${e.event.repeatIndex}`)).toEqual(['prep1', 'main1', 'main2', 'cleanup1']);
    expect(stepRows(events)).toEqual([
      'dose_solvent:completed',
      ...Array(2).fill(['measure:completed', 'weigh_sample:completed', 'noop:completed', 'noop:completed']).flat(),
      'noop:completed',
    ]);
    const measured = ofType(events, 'step.finished').find((e) => e.event.methodName === 'measure')!;
    expect(measured.event.output).toEqual([expect.any(Number), 25, 'ok']);
    expect(measured.event.context).toMatchObject({ temp: 25, status: 'ok' });
    expect(ofType(events, 'phase.finished')[1]!.event.outputs).toEqual([expect.objectContaining({ temp: 25, weight: 100 })]);
    // The enum literal was converted by the registered schema; string literals by the declared types.
    expect(r.callLog()).toEqual([
      'sdl dose_solvent {"solvent_name":"Ethanol","amount_in_ml":2,"rate_ml_per_minute":1}', 'pump dose_liquid {"amount_in_ml":2,"rate_ml_per_minute":1}',
      'balance weigh_sample {}',
      ...Array(2).fill(['sdl measure {}', 'balance weigh_sample {}', noopLine(7), noopLine(7)]).flat(),
      noopLine(99),
    ]);
    // Every event was journaled, in the same order and with the same content, before it was sent.
    expect(r.journaledEvents(job.runId)).toEqual(events);
  });

  it('runs batches of two samples: per-sample steps once per sample, batch steps once per batch', async () => {
    const r = await rig();
    const wf = workflow([step('deck.bench', 'noop', { x: '#x' }, { arg_types: { x: 'float' } }), step('deck.balance', 'weigh_sample', {}, { batch_action: true })]);
    const rows = [{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }];
    const job = await r.accept(r.job(wf, { mode: 'parameters', parameters: rows, batchSize: 2 }));
    await r.waitForStatus(job.runId, 'completed');
    const events = await r.events(job.runId);
    expectContiguous(events);
    expect(r.callLog()).toEqual([noopLine(1), noopLine(2), 'balance weigh_sample {}', noopLine(3), noopLine(4), 'balance weigh_sample {}']);
    expect(ofType(events, 'phase.started').filter((e) => e.event.phase === 'main').map((e) => e.event.parameters)).toEqual([rows.slice(0, 2), rows.slice(2)]);
    expect(ofType(events, 'step.started').map((e) => `${e.event.methodName}:${e.event.sample}`)).toEqual(['noop:0', 'noop:1', 'weigh_sample:0', 'noop:0', 'noop:1', 'weigh_sample:0']);
  });
});

describe('commands', () => {
  it('pauses at the step boundary after the call in progress, reports busy, and resumes', async () => {
    const r = await rig();
    const job = await r.accept(r.job(workflow([step('deck.sdl', 'equilibrate', { temp: 20, duration: 0.6 }), noop(1)])));
    await waitFor('equilibrate to start', () => r.callLog().some((l) => l.startsWith('sdl equilibrate')));
    const pause = await r.command(job.runId, 'pause');
    const answer = await r.waitForAnswer(job.runId, pause.commandId);
    expect(answer.event).toEqual({ type: 'command', commandId: pause.commandId, command: 'pause', outcome: 'applied', reason: null });

    const paused = await r.waitForStatus(job.runId, 'paused');
    const events = await r.events(job.runId);
    const finished = ofType(events, 'step.finished').find((e) => e.event.methodName === 'equilibrate')!;
    // Answered while the driver call ran; paused only once it had ended.
    expect(answer.seq).toBeLessThan(finished.seq);
    expect(paused.seq).toBeGreaterThan(finished.seq);
    expect(r.count(noopLine(1))).toBe(0);
    await waitForMessageAfter(r, paused.at, (m) => m.status === 'busy');

    const resume = await r.command(job.runId, 'resume');
    await r.waitForStatus(job.runId, 'completed');
    expect((await r.waitForAnswer(job.runId, resume.commandId)).event.outcome).toBe('applied');
    expectContiguous(await r.events(job.runId));
    expect(r.count(noopLine(1))).toBe(1);
  });

  it('reaches a run busy with a long loop of instant steps: it pauses inside the loop', async () => {
    const r = await rig();
    const job = await r.accept(r.job(workflow(block('repeat', 20_000, [noop(1)]))));
    await waitFor('the loop to start', () => r.count(noopLine(1)) > 0);
    await r.command(job.runId, 'pause');
    await r.waitForStatus(job.runId, 'paused');
    const done = r.count(noopLine(1));
    expect(done).toBeLessThan(20_000);
    expect(ofType(await r.events(job.runId), 'step.finished')).toHaveLength(done);
    await r.command(job.runId, 'stop', { stop: { when: 'now', cleanup: false } });
    await r.waitForStatus(job.runId, 'stopped');
    expect(r.count(noopLine(1))).toBe(done);
  });

  it('waits on a driver error; retry twice succeeds (three calls), skip moves on; stale and repeated commands are answered once', async () => {
    const r = await rig();
    const job = await r.accept(r.job(workflow([step('deck.sdl', 'simulate_error'), step('deck.sdl', 'always_fail'), noop(1)])));
    const first = await r.waitForPrompt(job.runId, 1);
    expect(first).toMatchObject({ kind: 'error', message: 'Step 1 (deck.sdl.simulate_error) failed: error will clear after the 3rd retry' });
    const retry1 = await r.command(job.runId, 'retry', { promptId: first.promptId });
    const second = await r.waitForPrompt(job.runId, 2);
    expect(second.promptId).not.toBe(first.promptId);

    // Answering the first prompt again is refused; the same command id sent again is not answered again.
    const stale = await r.command(job.runId, 'retry', { promptId: first.promptId });
    expect((await r.waitForAnswer(job.runId, stale.commandId)).event).toMatchObject({ outcome: 'refused', reason: `prompt ${first.promptId} is not the current prompt` });
    await r.redis.xadd(streamKeys.commands(r.deck), '*', 'm', JSON.stringify(retry1));

    await r.command(job.runId, 'retry', { promptId: second.promptId });
    const third = await r.waitForPrompt(job.runId, 3);
    expect(third.message).toBe('Step 2 (deck.sdl.always_fail) failed: this step always fails');
    const skip = await r.command(job.runId, 'skip', { promptId: third.promptId });
    await r.waitForStatus(job.runId, 'completed');
    await r.waitForAnswer(job.runId, skip.commandId);

    const events = await r.events(job.runId);
    expectContiguous(events);
    expect(ofType(events, 'command').filter((e) => e.event.commandId === retry1.commandId)).toHaveLength(1);
    expect(stepRows(events)).toEqual(['simulate_error:failed', 'simulate_error:failed', 'simulate_error:completed', 'always_fail:failed', 'noop:completed']);
    expect(r.count('sdl simulate_error {}')).toBe(3);
    expect(r.count('sdl always_fail {}')).toBe(1);
    expect(r.count(noopLine(1))).toBe(1);
  });

  it('stop after the iteration finishes it and runs cleanup; safe_state() is not called', async () => {
    const r = await rig();
    const wf = workflow([step('deck.sdl', 'equilibrate', { temp: 20, duration: 0.4 }), noop(1)], [], [noop(99)]);
    const job = await r.accept(r.job(wf, { repeat: 3 }));
    await waitFor('equilibrate to start', () => r.callLog().some((l) => l.startsWith('sdl equilibrate')));
    await r.command(job.runId, 'stop', { stop: { when: 'after-iteration', cleanup: true } });
    await r.waitForStatus(job.runId, 'stopped');
    expect(r.callLog()).toEqual(['sdl equilibrate {"temp":20,"duration":0.4}', noopLine(1), noopLine(99)]);
    expectContiguous(await r.events(job.runId));
  });

  it('stop now ends after the call in progress, without cleanup, and calls safe_state() once', async () => {
    const r = await rig();
    const wf = workflow([step('deck.sdl', 'equilibrate', { temp: 20, duration: 0.4 }), noop(1)], [], [noop(99)]);
    const job = await r.accept(r.job(wf, { repeat: 3 }));
    await waitFor('equilibrate to start', () => r.callLog().some((l) => l.startsWith('sdl equilibrate')));
    await r.command(job.runId, 'stop', { stop: { when: 'now', cleanup: false } });
    await r.waitForStatus(job.runId, 'stopped');
    await waitFor('safe_state()', () => r.callLog().includes('deck safe_state {}'));
    const events = await r.events(job.runId);
    expect(stepRows(events)).toEqual(['equilibrate:completed']);
    expect(r.callLog()).toEqual(['sdl equilibrate {"temp":20,"duration":0.4}', 'deck safe_state {}']);
  });

  it('an input step takes a value (converted to its type); a bad value is refused', async () => {
    const r = await rig();
    const wf = workflow([step('input', 'n', { statement: 'How many?' }, { arg_types: { statement: 'int' } }), step('deck.bench', 'noop', { x: '#n' })]);
    const job = await r.accept(r.job(wf));
    const prompt = await r.waitForPrompt(job.runId);
    expect(prompt).toMatchObject({ kind: 'input', message: 'How many?', inputType: 'int' });
    const bad = await r.command(job.runId, 'input', { promptId: prompt.promptId, value: 'many' });
    expect((await r.waitForAnswer(job.runId, bad.commandId)).event.outcome).toBe('refused');
    await r.command(job.runId, 'input', { promptId: prompt.promptId, value: '7' });
    await r.waitForStatus(job.runId, 'completed');
    expect(r.callLog()).toEqual([noopLine(7)]);
  });

  it('ignores a command for a run it does not execute, and reads on past it', async () => {
    const r = new RunRig();
    rigs.push(r);
    const agent = await r.start();
    const other = await r.command('not-a-run-here', 'pause');
    await agent.waitForLog('the command ignored', (l) => l.msg === 'command for a run that is not executing here; ignored' && l['commandId'] === other.commandId);
    const job = await r.accept(r.job(workflow([step('pause', 'pause', { statement: 'check' })])));
    const prompt = await r.waitForPrompt(job.runId);
    await r.command(job.runId, 'resume', { promptId: prompt.promptId });
    await r.waitForStatus(job.runId, 'completed');
    expect(await r.sent(other.runId)).toEqual([]);
    expect(r.journal().filter((rec) => rec.type === 'command.cursor')).toHaveLength(1);
  });
});

describe('accepting runs', () => {
  it('never runs a run id twice: the same job added again is answered from the journal', async () => {
    const r = await rig();
    const job = await r.accept(r.job(workflow([noop(5)])));
    await r.waitForStatus(job.runId, 'completed');
    await (await r.queue.getJob(job.runId))!.remove();
    const again = await r.queue.add(jobNames.runAccept, job, { jobId: job.runId, attempts: 1 });
    await waitFor('the job again', async () => (await r.queue.getJobState(job.runId)) === 'completed');
    expect((await r.queue.getJob(again.id!))!.returnvalue).toEqual({ schemaVersion: CONTRACT_VERSION, runId: job.runId, accepted: false, state: 'known' });
    expect(r.count(noopLine(5))).toBe(1);
    expect(ofType(await r.events(job.runId), 'run.status').filter((e) => e.event.status === 'running')).toHaveLength(1);
  });

  it('starts a second accepted run after the first ends', async () => {
    const r = await rig();
    const a = await r.accept(r.job(workflow([step('deck.sdl', 'equilibrate', { temp: 1, duration: 0.3 })])));
    const b = await r.accept(r.job(workflow([noop(2)])));
    const bStarted = await r.waitForStatus(b.runId, 'running');
    const aDone = await r.waitForStatus(a.runId, 'completed');
    await r.waitForStatus(b.runId, 'completed');
    expect(Date.parse(bStarted.at)).toBeGreaterThanOrEqual(Date.parse(aDone.at));
    expect(r.callLog()).toEqual(['sdl equilibrate {"temp":1,"duration":0.3}', noopLine(2)]);
  });

  it('fails a malformed run.accept job, naming the problem, and starts nothing', async () => {
    const r = await rig();
    const bad = { ...r.job(workflow([noop(1)])), batchSize: 0 } as RunJob;
    const added = await r.queue.add(jobNames.runAccept, bad, { jobId: bad.runId, attempts: 1 });
    await waitFor('the job to fail', async () => (await r.queue.getJobState(added.id!)) === 'failed');
    expect((await r.queue.getJob(added.id!))!.failedReason).toMatch(/malformed run.accept payload: batchSize: /);
    expect(r.callLog()).toEqual([]);
  });

  it('compacts the journal once the gateway confirmed an ended run, and still refuses its id', async () => {
    const r = await rig();
    const job = await r.accept(r.job(workflow([noop(3)])));
    const done = await r.waitForStatus(job.runId, 'completed');
    const last = (await r.events(job.runId)).at(-1)!.seq;
    expect(last).toBe(done.seq + 1);
    await r.redis.hset(streamKeys.confirmed(r.deck), job.runId, String(last));
    await waitFor('the journal to be compacted', () => r.journal().some((rec) => rec.type === 'run.done' && rec.runId === job.runId));
    expect(r.journaledEvents(job.runId)).toEqual([]);
    await (await r.queue.getJob(job.runId))!.remove();
    await r.accept(job);
    await waitFor('the job again', async () => (await r.queue.getJobState(job.runId)) === 'completed');
    expect(r.count(noopLine(3))).toBe(1);
  });
});

/** A heartbeat sent after `at` matching `match`. */
function waitForMessageAfter(r: RunRig, at: string, match: (m: { status: string }) => boolean): Promise<unknown> {
  return waitFor('a heartbeat', async () => (await streamMessages(r.redis, r.deck)).find((s) => s.message.kind === 'heartbeat' && s.message.at > at && match(s.message)));
}
