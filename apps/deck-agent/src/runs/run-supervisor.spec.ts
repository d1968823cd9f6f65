import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { EventEnvelope, JsonObject, RunCommand, RunJob, RunStatus } from '@ivoryos/contracts';
import { HardwareLock } from '../hardware-lock';
import type { Invoker } from '../invoke';
import { Journal } from '../journal';
import { command } from '../testing/journal-fixtures';
import { labSchema, runJob, step, workflow } from '../testing/workflow-builders';
import { RunSupervisor } from './run-supervisor';

const noop = (x: number) => step('deck.bench', 'noop', { x });
const pause = step('pause', 'pause', { statement: 'check' });

/** Polls until `check` holds; fails the test after 5 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RunSupervisor', () => {
  let dir: string;
  let journal: Journal;
  let calls: { action: string; kwargs: JsonObject; startJournaled: boolean }[];
  let release: (() => void) | null;
  let safeStates: string[];
  let supervisor: RunSupervisor;

  const events = (runId: string): EventEnvelope[] => journal.runs.runs.get(runId)?.pending.map((p) => JSON.parse(p.json) as EventEnvelope) ?? [];
  const statuses = (runId: string): RunStatus[] => events(runId).flatMap((e) => (e.event.type === 'run.status' ? [e.event.status] : []));
  const answers = (runId: string) => events(runId).flatMap((e) => (e.event.type === 'command' ? [e.event] : []));
  const lastPrompt = (runId: string): string => {
    const waiting = events(runId).filter((e) => e.event.type === 'run.status' && e.event.waiting).at(-1);
    return (waiting?.event as { waiting: { promptId: string } }).waiting.promptId;
  };
  let streamId = 0;
  const send = (c: RunCommand | string): void => supervisor.handleCommand(`1700000000000-${streamId++}`, typeof c === 'string' ? c : JSON.stringify(c));
  const accept = (job: RunJob): RunJob => {
    journal.appendAccepted(job, new Date().toISOString());
    supervisor.enqueue(job.runId);
    return job;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivoryos-supervisor-'));
    journal = Journal.open(dir, 'lab', { fsync: false });
    calls = [];
    release = null;
    safeStates = [];
    const invoker: Invoker = {
      invoke: async (_instrument, action, kwargs) => {
        // The step's start must already be in the journal, with nothing after it but the checkpoint.
        const run = [...journal.runs.runs.values()].at(-1)!;
        const tail = run.pending.slice(-2).map((p) => (JSON.parse(p.json) as EventEnvelope).event);
        const startJournaled = tail[0]?.type === 'step.started' && tail[0].methodName === action && tail[1]?.type === 'checkpoint';
        calls.push({ action, kwargs, startJournaled });
        if (action === 'slow') await new Promise<void>((resolve) => (release = resolve));
        if (action === 'fail') throw new Error('jammed');
        return kwargs['x'] ?? null;
      },
    };
    supervisor = new RunSupervisor({
      deck: 'lab', schema: labSchema, journal, lock: new HardwareLock(), invoker, logger: pino({ level: 'silent' }),
      onJournaled: () => undefined,
      safeState: async (reason) => void safeStates.push(reason),
    });
  });
  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('journals each step start (and the checkpoint after it) before the driver is called', async () => {
    const job = accept(runJob('lab', workflow([noop(1), noop(2)], [noop(0)])));
    await until('completion', () => statuses(job.runId).includes('completed'));
    expect(calls.map((c) => [c.kwargs['x'], c.startJournaled])).toEqual([[0, true], [1, true], [2, true]]);
    expect(events(job.runId).map((e) => e.seq)).toEqual(events(job.runId).map((_e, i) => i + 1));
    expect(supervisor.busy).toBe(false);
  });

  it('applies a command to the active run once per command id, answering in the run\'s seq order', async () => {
    const job = accept(runJob('lab', workflow([pause, noop(1)])));
    await until('the pause prompt', () => statuses(job.runId).includes('waiting'));
    const resume = command(job.runId, 'resume', { promptId: lastPrompt(job.runId) });
    send(resume);
    send(resume);
    await until('completion', () => statuses(job.runId).includes('completed'));
    send(resume);
    expect(answers(job.runId)).toEqual([{ type: 'command', commandId: resume.commandId, command: 'resume', outcome: 'applied', reason: null }]);
    const answerAt = events(job.runId).findIndex((e) => e.event.type === 'command');
    expect(events(job.runId)[answerAt + 1]!.event).toMatchObject({ type: 'run.status', status: 'running' });
    expect(calls.map((c) => c.kwargs['x'])).toEqual([1]);
    expect(journal.runs.cursor).toBe(`1700000000000-${streamId - 1}`);
  });

  it('ignores commands for runs it does not execute and unreadable entries, moving the cursor past them', async () => {
    const job = accept(runJob('lab', workflow([pause])));
    const queued = accept(runJob('lab', workflow([noop(9)])));
    await until('the pause prompt', () => statuses(job.runId).includes('waiting'));
    send(command(queued.runId, 'pause'));
    send(command('elsewhere', 'stop', { stop: { when: 'now', cleanup: false } }));
    send('{not json');
    send(JSON.stringify({ commandId: 'x', runId: job.runId, type: 'explode' }));
    expect(answers(job.runId)).toEqual([]);
    expect(answers(queued.runId)).toEqual([]);
    expect(journal.runs.cursor).toBe(`1700000000000-${streamId - 1}`);
    // The queued run starts once the first ends, and nothing of it ran before.
    expect(calls).toEqual([]);
    send(command(job.runId, 'resume', { promptId: lastPrompt(job.runId) }));
    await until('the second run', () => statuses(queued.runId).includes('completed'));
    expect(calls.map((c) => c.kwargs['x'])).toEqual([9]);
  });

  it('refuses a control that does not fit, saying why', async () => {
    const job = accept(runJob('lab', workflow([step('deck.sdl', 'fail'), noop(1)])));
    await until('the error prompt', () => statuses(job.runId).includes('waiting'));
    send(command(job.runId, 'retry', { promptId: 'prompt-99' }));
    send(command(job.runId, 'input', { value: 3 }));
    send(command(job.runId, 'skip', { promptId: lastPrompt(job.runId) }));
    await until('completion', () => statuses(job.runId).includes('completed'));
    expect(answers(job.runId).map((a) => [a.command, a.outcome, a.reason])).toEqual([
      ['retry', 'refused', 'prompt prompt-99 is not the current prompt'],
      ['input', 'refused', 'the run is not waiting for input'],
      ['skip', 'applied', null],
    ]);
  });

  it('calls safe_state() once after a stop-now, when the call in progress has ended', async () => {
    const job = accept(runJob('lab', workflow([step('deck.sdl', 'slow'), noop(1)], [], [noop(99)])));
    await until('the slow call', () => release !== null);
    send(command(job.runId, 'stop', { stop: { when: 'now', cleanup: false } }));
    expect(safeStates).toEqual([]);
    release!();
    await until('the stop', () => statuses(job.runId).includes('stopped'));
    await until('safe_state', () => safeStates.length > 0);
    expect(safeStates).toEqual([`run ${job.runId} stopped now`]);
    expect(calls.map((c) => c.action)).toEqual(['slow']);
  });

  it('on agent stop pauses a running run at the step boundary and journals that', async () => {
    const job = accept(runJob('lab', workflow([step('deck.sdl', 'slow'), noop(1)])));
    await until('the slow call', () => release !== null);
    const suspended = supervisor.suspend();
    let done = false;
    void suspended.then(() => (done = true));
    // Several of suspend()'s polling rounds pass while the driver call is held: it must not return meanwhile.
    await new Promise((r) => setTimeout(r, 60));
    expect(done).toBe(false);
    release!();
    await suspended;
    expect(statuses(job.runId)).toEqual(['running', 'paused']);
    expect(journal.runs.runs.get(job.runId)!.suspendedAfter).not.toBeNull();
    expect(calls.map((c) => c.action)).toEqual(['slow']);
  });

  it('reports a run that cannot start as failed, with the next seq, and goes on with the next one', async () => {
    const bad = accept(runJob('lab', workflow([noop(1)]), { mode: 'optimizer' }));
    const next = accept(runJob('lab', workflow([noop(2)])));
    await until('the next run', () => statuses(next.runId).includes('completed'));
    expect(events(bad.runId).map((e) => [e.seq, e.event])).toEqual([
      [1, { type: 'run.status', status: 'failed', waiting: null, error: 'The run cannot start: an optimizer run needs its campaign' }],
    ]);
    expect(journal.runs.runs.get(bad.runId)!.end?.status).toBe('failed');
    expect(calls.map((c) => c.kwargs['x'])).toEqual([2]);
  });

  it('continues the runs the journal holds unfinished, after a restart', async () => {
    const job = accept(runJob('lab', workflow([pause, noop(1)])));
    await until('the pause prompt', () => statuses(job.runId).includes('waiting'));
    journal.close();
    journal = Journal.open(dir, 'lab', { fsync: false });
    const restarted = new RunSupervisor({
      deck: 'lab', schema: labSchema, journal, lock: new HardwareLock(), invoker: { invoke: async (_i, _a, k) => (calls.push({ action: 'noop', kwargs: k, startJournaled: true }), null) },
      logger: pino({ level: 'silent' }), onJournaled: () => undefined, safeState: async () => undefined,
    });
    expect(restarted.recover()).toEqual([job.runId]);
    await until('the same prompt again', () => statuses(job.runId).filter((s) => s === 'waiting').length === 2);
    supervisor = restarted;
    send(command(job.runId, 'resume', { promptId: lastPrompt(job.runId) }));
    await until('completion', () => statuses(job.runId).includes('completed'));
    expect(events(job.runId).map((e) => e.seq)).toEqual(events(job.runId).map((_e, i) => i + 1));
    expect(calls.map((c) => c.kwargs['x'])).toEqual([1]);
  });
});
