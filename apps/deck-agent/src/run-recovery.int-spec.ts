import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope, JsonValue, WorkflowDocument } from '@ivoryos/contracts';
import { AgentProcess, assertBuilt, PrivateRedis, waitFor } from './testing/agent-harness';
import { expectContiguous, ofType, RunRig, step, stepRows, workflow } from './testing/run-rig';

// Agents are killed and started again; each start takes about a second.
jest.setTimeout(90_000);

const rigs: RunRig[] = [];
const servers: PrivateRedis[] = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.dispose();
  for (const server of servers.splice(0)) await server.down();
});

function rig(redisUrl?: string): RunRig {
  const r = new RunRig(redisUrl);
  rigs.push(r);
  return r;
}

const noop = (x: number) => step('deck.bench', 'noop', { x });
const noopLine = (x: number) => `bench noop {"x":${x}}`;
const isStart = (method: string) => (e: EventEnvelope) => e.event.type === 'step.started' && e.event.methodName === method;

describe('restart after kill -9', () => {
  it('reports a step killed inside its driver call as interrupted and waits; retry runs it once more', async () => {
    const r = rig();
    const first = await r.start();
    const equilibrate = 'sdl equilibrate {"temp":30,"duration":1}';
    const wf = workflow([noop(1), step('deck.sdl', 'equilibrate', { temp: 30, duration: 1 }), noop(2)], [noop(0)], [noop(99)]);
    const job = await r.accept(r.job(wf));
    // The call log line is written when the driver method starts: the call is provably under way.
    await waitFor('equilibrate to start', () => r.callLog().includes(equilibrate));
    // ...and its start was journaled before the driver was called.
    expect(r.journaledEvents(job.runId).some(isStart('equilibrate'))).toBe(true);
    first.kill('SIGKILL');
    await first.exited;
    const killedAt = r.journaledEvents(job.runId).at(-1)!.seq;

    await r.start();
    const prompt = await r.waitForPrompt(job.runId);
    expect(prompt).toMatchObject({ kind: 'interrupted', message: expect.stringContaining('deck.sdl.equilibrate (step 2) was running when the run was interrupted') });
    const interrupted = await r.waitForEvent(job.runId, 'step.finished', (e) => e.event.status === 'interrupted');
    expect(interrupted.seq).toBe(killedAt + 2); // after the resumed run's `running`
    expect(r.count(equilibrate)).toBe(1);

    await r.command(job.runId, 'retry', { promptId: prompt.promptId });
    await r.waitForStatus(job.runId, 'completed');
    const events = await r.events(job.runId);
    expectContiguous(events);
    expect(stepRows(events)).toEqual(['noop:completed', 'noop:completed', 'equilibrate:interrupted', 'equilibrate:completed', 'noop:completed', 'noop:completed']);
    expect(ofType(events, 'step.finished').filter((e) => e.event.methodName === 'equilibrate').map((e) => e.event.attempt)).toEqual([1, 2]);
    expect(r.callLog()).toEqual([noopLine(0), noopLine(1), equilibrate, equilibrate, noopLine(2), noopLine(99)]);
  });

  it('continues a run killed between steps (in a wait step) from its checkpoint, repeating no step', async () => {
    const wf = workflow([noop(1), step('wait', 'wait', { statement: 0.8 }), noop(2)], [noop(0)], [noop(99)]);
    const plain = rig();
    await plain.start();
    const uninterrupted = await plain.accept(plain.job(wf, { repeat: 2 }));
    await plain.waitForStatus(uninterrupted.runId, 'completed');

    const r = rig();
    const first = await r.start();
    const job = await r.accept(r.job(wf, { repeat: 2 }));
    await waitFor('the first wait to start', () => r.journaledEvents(job.runId).some(isStart('wait')));
    first.kill('SIGKILL');
    await first.exited;
    expect(r.callLog()).toEqual([noopLine(0), noopLine(1)]);

    await r.start();
    await r.waitForStatus(job.runId, 'completed');
    const events = await r.events(job.runId);
    expectContiguous(events);
    expect(r.callLog()).toEqual(plain.callLog());
    expect(stepRows(events)).toEqual(stepRows(await plain.events(uninterrupted.runId)));
    expect(ofType(events, 'step.started').filter((e) => e.event.methodName === 'wait')).toHaveLength(2);
  });

  it('asks the same prompt again after a restart while waiting for input', async () => {
    const r = rig();
    const first = await r.start();
    const wf = workflow([noop(1), step('input', 'n', { statement: 'How many?' }, { arg_types: { statement: 'int' } }), step('deck.bench', 'noop', { x: '#n' })]);
    const job = await r.accept(r.job(wf));
    const before = await r.waitForPrompt(job.runId);
    first.kill('SIGKILL');
    await first.exited;

    await r.start();
    const after = await r.waitForPrompt(job.runId, 2);
    expect(after).toMatchObject({ promptId: before.promptId, kind: 'input', message: 'How many?' });
    await r.command(job.runId, 'input', { promptId: after.promptId, value: 4 });
    await r.waitForStatus(job.runId, 'completed');
    expectContiguous(await r.events(job.runId));
    expect(r.callLog()).toEqual([noopLine(1), noopLine(4)]);
  });

  it('sends what the killed process journaled and may not have sent before it loads the deck again, however long that takes', async () => {
    // chaos agent-kill-mid-call on a loaded machine: the kill came between a step's end being journaled
    // and its XADD, and the restarted agent sent it only after loading and introspecting the deck
    // (synchronous, no timer runs), which took longer than the scenario waited: the step stayed running.
    const r = rig();
    const first = await r.start();
    const equilibrate = 'sdl equilibrate {"temp":31,"duration":1}';
    const job = await r.accept(r.job(workflow([noop(1), step('deck.sdl', 'equilibrate', { temp: 31, duration: 1 }), noop(2)])));
    await waitFor('equilibrate to start', () => r.callLog().includes(equilibrate));
    first.kill('SIGKILL');
    await first.exited;
    const journaled = r.journaledEvents(job.runId).map((e) => e.seq);
    expect(journaled.length).toBeGreaterThanOrEqual(4);
    const sentBefore = (await r.sent(job.runId)).length;

    // A deck whose import blocks for a minute, as a deck homing its hardware on import does.
    const slowDeck = join(r.tmp, 'slow-deck.js');
    writeFileSync(slowDeck, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);\nmodule.exports = {};\n');
    const second = new AgentProcess({ deck: r.deck, dataDir: r.dataDir, redisUrl: r.redisUrl, deckFile: slowDeck, env: { IVORYOS_SIM_CALL_LOG: r.calls } });
    r.agents.push(second);
    // No gateway confirmed anything, so every journaled event is unconfirmed and goes again.
    const again = await waitFor('every journaled event sent again by the restarted agent', async () => {
      const seqs = (await r.sent(job.runId)).slice(sentBefore).map((e) => e.seq);
      return journaled.every((seq) => seqs.includes(seq)) ? seqs : undefined;
    }, 20_000);
    expect([...new Set(again)].sort((a, b) => a - b)).toEqual(journaled);
    expect(second.running).toBe(true);
    expect(second.logs().some((l) => l.msg === 'agent started')).toBe(false); // still inside the deck's import
    expect(r.count(equilibrate)).toBe(1);
  });

  it('starts from the gateway checkpoint in the job when the journal knows nothing of the run', async () => {
    const wf = workflow([noop(1), step('pause', 'pause', { statement: 'check' }), noop(2)]);
    const lost = rig();
    await lost.start();
    const job = await lost.accept(lost.job(wf));
    await lost.waitForPrompt(job.runId);
    const events = await waitFor('the checkpoint taken while waiting', async () => {
      const all = await lost.events(job.runId);
      return all.at(-1)?.event.type === 'checkpoint' && all;
    });
    const last = events.at(-1)!;
    const checkpoint = (last.event as { checkpoint: JsonValue }).checkpoint;

    // Another deck and data dir: an agent whose journal never saw the run.
    const r = rig();
    await r.start();
    const resumed = await r.accept({ ...r.job(wf), runId: job.runId, resume: { checkpoint, lastSeq: last.seq } });
    const prompt = await r.waitForPrompt(resumed.runId);
    expect(prompt.kind).toBe('pause');
    await r.command(resumed.runId, 'resume', { promptId: prompt.promptId });
    await r.waitForStatus(resumed.runId, 'completed');
    const after = await r.events(resumed.runId);
    expectContiguous(after, last.seq + 1);
    expect(r.callLog()).toEqual([noopLine(2)]);
  });
});

describe('orderly stop during a run', () => {
  it('pauses the run at the step boundary, calls safe_state() once and exits 0; the restarted agent keeps it paused', async () => {
    const r = rig();
    const first = await r.start();
    const wf = workflow([step('deck.sdl', 'equilibrate', { temp: 5, duration: 0.5 }), noop(1)]);
    const job = await r.accept(r.job(wf));
    await waitFor('equilibrate to start', () => r.callLog().some((l) => l.startsWith('sdl equilibrate')));
    first.kill('SIGTERM');
    await expect(first.exited).resolves.toEqual({ code: 0, signal: null });
    expect(r.callLog()).toEqual(['sdl equilibrate {"temp":5,"duration":0.5}', 'deck safe_state {}']);
    await r.waitForStatus(job.runId, 'paused');

    await r.start();
    const statuses = async () => ofType(await r.events(job.runId), 'run.status').map((e) => e.event.status);
    await waitFor('the resumed run to report', async () => (await statuses()).length >= 3);
    expect(await statuses()).toEqual(['running', 'paused', 'running', 'paused']);
    await r.command(job.runId, 'resume');
    await r.waitForStatus(job.runId, 'completed');
    expectContiguous(await r.events(job.runId));
    expect(r.callLog()).toEqual(['sdl equilibrate {"temp":5,"duration":0.5}', 'deck safe_state {}', noopLine(1)]);
  });
});

describe('Redis outages during a run', () => {
  it('journals events while Redis is down, re-sends all unconfirmed ones to a Redis that came back empty, and goes on', async () => {
    const server = await PrivateRedis.start();
    servers.push(server);
    const r = rig(server.url);
    const agent = await r.start();
    const pause = (text: string) => step('pause', 'pause', { statement: text });
    const wf: WorkflowDocument = workflow([pause('first'), noop(1), step('deck.sdl', 'equilibrate', { temp: 1, duration: 1 }), noop(2), pause('second'), noop(3)]);
    const job = await r.accept(r.job(wf));
    const first = await r.waitForPrompt(job.runId);
    const resume = await r.command(job.runId, 'resume', { promptId: first.promptId });
    await r.waitForAnswer(job.runId, resume.commandId);

    await waitFor('equilibrate to start', () => r.callLog().some((l) => l.startsWith('sdl equilibrate')));
    await server.down();
    await agent.waitForLog('the outage to be noticed', (l) => l.msg === 'redis connection error; reconnecting');
    // Redis is gone: the run goes on, and everything it reports is in the journal first.
    const waiting = await waitFor('the second pause in the journal', () =>
      r.journaledEvents(job.runId).find((e) => e.event.type === 'run.status' && e.event.status === 'waiting' && e.event.waiting?.message === 'second'));
    expect(r.journaledEvents(job.runId).filter((e) => e.event.type === 'step.finished').map((e) => (e.event as { methodName: string }).methodName))
      .toEqual(['pause', 'noop', 'equilibrate', 'noop', 'pause']);

    await server.up();
    // Nothing was confirmed, so the new stream holds every event again, from seq 1.
    const second = await r.waitForPrompt(job.runId, 2, 20_000);
    expect(second.promptId).toBe(waiting.event.type === 'run.status' ? waiting.event.waiting?.promptId : undefined);
    expectContiguous(await r.events(job.runId));

    // A command with an id below the journaled stream position (this Redis's clock is "behind") is still read.
    await r.command(job.runId, 'resume', { promptId: second.promptId }, '1-1');
    await r.waitForStatus(job.runId, 'completed');
    expectContiguous(await r.events(job.runId));
    expect(r.callLog()).toEqual([noopLine(1), 'sdl equilibrate {"temp":1,"duration":1}', noopLine(2), noopLine(3)]);
    expect(existsSync(r.journalFile)).toBe(true);
  });
});
