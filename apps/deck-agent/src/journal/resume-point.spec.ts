import type { EventEnvelope, JsonValue } from '@ivoryos/contracts';
import { readCheckpoint, WorkflowInterpreter, type StepCall } from '@ivoryos/workflow';
import { replayJournal } from '../journal';
import { answer, command, commandLine, indexOf, journalText, simulate } from '../testing/journal-fixtures';
import { labSchema, runJob, step, workflow } from '../testing/workflow-builders';
import { resumePoint, type ResumePoint } from './resume-point';

const noop = (x: number) => step('deck.bench', 'noop', { x }, { return: `v${x}` });
const WF = workflow([noop(1), noop(2), step('pause', 'pause', { statement: 'check' }), noop(3)]);
const job = runJob('lab', WF, { runId: 'run-1' });

function pointAt(events: EventEnvelope[], extra: string[] = []): ResumePoint {
  const { runs, unreadable } = replayJournal(journalText(job, events, extra));
  expect(unreadable).toEqual([]);
  return resumePoint(runs.runs.get('run-1')!);
}

/** Continues the run in a fresh interpreter from `point`, answering every prompt with `answer`. */
async function resume(point: ResumePoint, answerPrompt: (it: WorkflowInterpreter, promptId: string) => void) {
  const events: EventEnvelope[] = [];
  const calls: StepCall[] = [];
  const it: WorkflowInterpreter = new WorkflowInterpreter({
    runId: 'run-1', deck: 'lab', workflow: WF, plan: { repeat: 1 }, schema: labSchema, checkpoint: point.checkpoint, nextSeq: point.nextSeq,
    inFlightResult: point.inFlightResult,
    invoker: { invoke: async (c) => (calls.push(c), c.args['x'] ?? null) },
    onEvent: (e) => {
      events.push(e);
      if (e.event.type === 'run.status' && e.event.waiting) {
        const id = e.event.waiting.promptId;
        setImmediate(() => answerPrompt(it, id));
      }
    },
  });
  await it.run();
  return { events, calls: calls.map((c) => c.args['x']) };
}

describe('resumePoint', () => {
  let full: EventEnvelope[];
  beforeAll(async () => {
    full = (await simulate(job, (p, it) => it.resume(p.promptId))).events;
  });

  it('starts fresh when nothing was journaled but the acceptance', () => {
    expect(pointAt([])).toEqual({ source: 'fresh', reapply: [], suspend: false });
  });

  it('continues the numbering without a checkpoint when the run stopped before its first one', () => {
    expect(pointAt(full.slice(0, 2))).toEqual({ source: 'journal', nextSeq: 3, reapply: [], suspend: false });
  });

  it('reports a step whose start was journaled and whose end was not as interrupted; retry calls it again', async () => {
    const started = indexOf(full, (e) => e.type === 'step.started' && e.methodName === 'noop' && e.args['x'] === 2);
    expect(full[started + 1]!.event.type).toBe('checkpoint'); // the engine checkpoints before it calls the driver
    const point = pointAt(full.slice(0, started + 2));
    expect(point).toMatchObject({ source: 'journal', nextSeq: full[started + 1]!.seq + 1 });
    expect(point.inFlightResult).toBeUndefined();
    expect(readCheckpoint(point.checkpoint!).state.inFlight).toMatchObject({ kind: 'action', methodName: 'noop', args: { x: 2 } });

    const after = await resume(point, (it, id) => (it.waiting?.kind === 'interrupted' ? it.retry(id) : it.resume(id)));
    expect(after.events[0]!.seq).toBe(point.nextSeq);
    expect(after.events.find((e) => e.event.type === 'step.finished')!.event).toMatchObject({ methodName: 'noop', status: 'interrupted' });
    expect(after.calls).toEqual([2, 3]);
  });

  it('takes the result of a step finished after the checkpoint from the journal, without calling it again', async () => {
    const finished = indexOf(full, (e) => e.type === 'step.finished' && e.args['x'] === 2);
    const point = pointAt(full.slice(0, finished + 1));
    expect(point.inFlightResult).toEqual({ status: 'completed', output: 2, error: null });
    const after = await resume(point, (it, id) => it.resume(id));
    expect(after.calls).toEqual([3]);
    const outputs = after.events.find((e) => e.event.type === 'phase.finished' && e.event.phase === 'main')!.event as { outputs: JsonValue };
    expect(outputs.outputs).toEqual([{ v1: 1, v2: 2, v3: 3 }]);
  });

  it('never repeats a completed step: after the checkpoint that follows a step, it goes on with the next', async () => {
    const finished = indexOf(full, (e) => e.type === 'step.finished' && e.args['x'] === 1);
    const boundary = indexOf(full, (e) => e.type === 'checkpoint', finished);
    const after = await resume(pointAt(full.slice(0, boundary + 1)), (it, id) => it.resume(id));
    expect(after.calls).toEqual([2, 3]);
  });

  it('keeps waiting at a prompt: the same prompt id is asked again', async () => {
    const waiting = indexOf(full, (e) => e.type === 'run.status' && e.status === 'waiting');
    const checkpoint = indexOf(full, (e) => e.type === 'checkpoint', waiting);
    const prompts: string[] = [];
    const after = await resume(pointAt(full.slice(0, checkpoint + 1)), (it, id) => {
      prompts.push(id);
      it.resume(id);
    });
    expect(prompts).toEqual([(full[waiting]!.event as { waiting: { promptId: string } }).waiting.promptId]);
    expect(after.calls).toEqual([3]);
  });

  it('applies again the commands answered after the last checkpoint, not those before it', () => {
    const waiting = indexOf(full, (e) => e.type === 'run.status' && e.status === 'waiting');
    const checkpointAt = indexOf(full, (e) => e.type === 'checkpoint', waiting);
    const events = full.slice(0, checkpointAt + 1);
    const seq = events.at(-1)!.seq;
    const line = (e: EventEnvelope) => JSON.stringify({ type: 'run.event', envelope: e });
    const resumeIt = command('run-1', 'resume', { promptId: 'prompt-1' });
    const refused = command('run-1', 'retry');
    const after = [commandLine(resumeIt), line(answer('run-1', seq + 1, resumeIt)), commandLine(refused), line(answer('run-1', seq + 2, refused, 'refused'))];
    expect(pointAt(events, after)).toMatchObject({ reapply: [resumeIt], nextSeq: seq + 3 });

    // The same command answered just before that checkpoint: the checkpoint holds its effect already.
    const pause = command('run-1', 'pause');
    const moved = { ...events.at(-1)!, seq: seq + 1 };
    expect(pointAt(events.slice(0, -1), [commandLine(pause), line(answer('run-1', seq, pause)), line(moved)]).reapply).toEqual([]);
  });

  it('pauses again when the agent was stopped after the last checkpoint', () => {
    const at = indexOf(full, (e) => e.type === 'checkpoint');
    const cut = full.slice(0, at + 2);
    const lastCheckpoint = full[at]!;
    const suspend = (afterSeq: number) => JSON.stringify({ type: 'run.suspend', runId: 'run-1', afterSeq, at: 'x' });
    expect(pointAt(cut, [suspend(cut.at(-1)!.seq)]).suspend).toBe(true);
    expect(pointAt(cut, [suspend(lastCheckpoint.seq - 1)]).suspend).toBe(false);
  });

  it('starts from the gateway checkpoint only while the journal has none of its own', () => {
    const checkpoint = full.find((e) => e.event.type === 'checkpoint')!;
    const value = (checkpoint.event as { checkpoint: JsonValue }).checkpoint;
    const withResume = { ...job, resume: { checkpoint: value, lastSeq: 40 } };
    const { runs } = replayJournal(journalText(withResume, []));
    expect(resumePoint(runs.runs.get('run-1')!)).toMatchObject({ source: 'gateway', checkpoint: value, nextSeq: 41 });
    const cut = full.slice(0, indexOf(full, (e) => e.type === 'checkpoint') + 2);
    const journaled = replayJournal(journalText(withResume, cut));
    const point = resumePoint(journaled.runs.runs.get('run-1')!);
    expect(point.source).toBe('journal');
    expect(point.checkpoint).toEqual(value);
    expect(point.nextSeq).toBe(cut.at(-1)!.seq + 1);
  });
});
