import type { JsonValue } from '@ivoryos/contracts';
import { CHECKPOINT_VERSION, CheckpointError, readCheckpoint, serializeCheckpoint, type RunCheckpoint } from './checkpoint';
import { WorkflowInterpreter } from './interpreter/interpreter';
import { act, doc, eventsOf, runHarness } from './testing/run-harness';

/** The position of the phase's outer sequence. */
const topPc = (c: RunCheckpoint): number => {
  const frame = c.state.phase?.stack[0];
  return frame?.t === 'seq' ? frame.pc : -1;
};

const WORKFLOW = doc([act('deck.sdl', 'a', {}, { return: 'x' }), act('deck.sdl', 'b')]);

/** The checkpoint taken right after step `a` finished. */
async function someCheckpoint(): Promise<RunCheckpoint> {
  const { events } = await runHarness(WORKFLOW, { handlers: { a: () => 1 } });
  const all = eventsOf(events, 'checkpoint').map((e) => readCheckpoint(e.checkpoint));
  const after = all.find((c) => c.state.phase?.key === 'script' && c.state.inFlight === null && topPc(c) === 1);
  if (!after) throw new Error('no checkpoint after step a');
  return after;
}

const tamper = (checkpoint: RunCheckpoint, change: (value: Record<string, unknown>) => void): JsonValue => {
  const copy = JSON.parse(serializeCheckpoint(checkpoint)) as Record<string, unknown>;
  change(copy);
  return copy as JsonValue;
};

describe('checkpoint format', () => {
  it('is versioned JSON that reads back unchanged, as text or value', async () => {
    const checkpoint = await someCheckpoint();
    expect(checkpoint).toMatchObject({ kind: 'ivoryos-ts/run-checkpoint', version: CHECKPOINT_VERSION });
    expect(readCheckpoint(serializeCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(checkpoint.state.phase?.contexts).toEqual([{ x: 1 }]);
    expect(checkpoint.state.phase?.stack).toEqual([{ t: 'seq', block: 'script', pc: 1, sub: 0, samples: [0] }]);
  });

  it.each<[string, (c: Record<string, unknown>) => void, string]>([
    ['another kind', (c) => { c.kind = 'x'; }, 'not a run checkpoint'],
    ['another version', (c) => { c.version = 2; }, 'checkpoint version 2 is not supported (expected 1)'],
    ['no nextSeq', (c) => { delete c.nextSeq; }, 'checkpoint fingerprints or nextSeq are missing'],
    ['a bad stage', (c) => { (c.state as Record<string, unknown>).stage = 'lunch'; }, 'state.stage is invalid'],
    ['a bad frame', (c) => { (c.state as { phase: { stack: unknown[] } }).phase.stack = [{ t: 'seq', block: 'script', pc: -1, sub: 0, samples: [0] }]; }, 'state.phase.stack[0].pc must be a non-negative integer'],
    ['a missing sample', (c) => { (c.state as { phase: { stack: unknown[] } }).phase.stack = [{ t: 'seq', block: 'script', pc: 0, sub: 0, samples: [3] }]; }, 'a frame refers to a sample the phase does not have'],
    ['a bad pending prompt', (c) => { (c.state as Record<string, unknown>).pending = { kind: 'error' }; }, 'state.pending is invalid'],
  ])('refuses %s', async (_name, change, message) => {
    const checkpoint = await someCheckpoint();
    expect(() => readCheckpoint(tamper(checkpoint, change))).toThrow(new CheckpointError(message));
  });

  it('refuses text that is not JSON', () => {
    expect(() => readCheckpoint('{nope')).toThrow('checkpoint is not valid JSON');
  });

  it('belongs to one workflow and one plan', async () => {
    const checkpoint = await someCheckpoint();
    const base = { runId: 'r', deck: 'd', invoker: { invoke: async () => null }, onEvent: () => undefined, checkpoint: checkpoint as unknown as JsonValue };
    expect(() => new WorkflowInterpreter({ ...base, workflow: doc([act('deck.sdl', 'other')]), plan: {} })).toThrow('the checkpoint belongs to a different workflow');
    expect(() => new WorkflowInterpreter({ ...base, workflow: WORKFLOW, plan: { repeat: 2 } })).toThrow('the checkpoint belongs to a different run plan');
    expect(() => new WorkflowInterpreter({ ...base, workflow: WORKFLOW, plan: {} })).not.toThrow();
    const wrongFrame = tamper(checkpoint, (c) => {
      (c.state as { phase: { stack: unknown[] } }).phase.stack.push({ t: 'if', block: 'script', at: 0, samples: [0], next: 0 });
    });
    expect(() => new WorkflowInterpreter({ ...base, checkpoint: wrongFrame, workflow: WORKFLOW, plan: {} }))
      .toThrow(new CheckpointError('a if frame points at another kind of step'));
    const noBlock = tamper(checkpoint, (c) => {
      (c.state as { phase: { stack: { block: string }[] } }).phase.stack[0].block = 'script.9.body';
    });
    expect(() => new WorkflowInterpreter({ ...base, checkpoint: noBlock, workflow: WORKFLOW, plan: {} }))
      .toThrow("Checkpoint refers to block 'script.9.body', which this workflow does not have");
  });
});
