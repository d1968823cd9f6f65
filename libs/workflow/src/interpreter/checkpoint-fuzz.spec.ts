import type { EventEnvelope, JsonValue, WaitingPrompt, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import { readCheckpoint, serializeCheckpoint } from '../checkpoint';
import { act, doc, ifBlock, InstantClock, loopBlock } from '../testing/run-harness';
import { WorkflowInterpreter } from './interpreter';
import type { StepCall } from './types';

/**
 * Interrupts random workflows after every checkpoint they emit (every step boundary, and every instrument
 * call in flight), resumes each time from the JSON text in a fresh interpreter, and checks that the calls
 * before the interruption plus the resumed run's calls are exactly the uninterrupted run's calls.
 * Reproduce a failure with WORKFLOW_FUZZ_SEED=<seed printed below>.
 */
const SEED = Number(process.env.WORKFLOW_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKFLOWS = 12;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}

/** A random workflow that always nests while > repeat > if with an input and a pause, plus random extras. */
function randomWorkflow(random: () => number): WorkflowDocument {
  let tag = 0;
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const action = (refs: string[], batch = false): WorkflowAction => {
    const id = `t${tag++}`;
    return act('deck.lab', pick(['dose', 'mix', 'read']), { tag: id, n: `#${pick(refs)}` }, {
      return: random() < 0.5 ? `r_${id}` : '', batch_action: batch,
    });
  };
  const leaf = (refs: string[]): WorkflowAction[] => {
    const r = random();
    if (r < 0.45) return [action(refs, random() < 0.15)];
    if (r < 0.55) return [act('input', `in_${tag++}`, { statement: `Value for #${pick(refs)}?` }, { arg_types: { statement: 'int' } })];
    if (r < 0.65) return [act('pause', 'pause', { statement: `Check ${tag++}` })];
    if (r < 0.75) return [act('wait', 'wait', { statement: pick([0, 0.5, 2]) }, { batch_action: random() < 0.3 })];
    if (r < 0.85) return [act('comment', 'comment', { statement: `note #${pick(refs)}` })];
    return [act('math_variable', `m_${tag++}`, { statement: `${pick(refs)} * 2 + 1` })];
  };
  const block = (refs: string[], depth: number, size: number): WorkflowAction[] => {
    const out: WorkflowAction[] = [];
    for (let i = 0; i < size; i++) {
      const r = random();
      if (depth > 0 && r < 0.15) {
        out.push(...ifBlock(`${pick(refs)} % 2 == ${pick([0, 1])}`, block(refs, depth - 1, 1 + Math.floor(random() * 2)),
          random() < 0.5 ? block(refs, depth - 1, 1) : null));
      } else if (depth > 0 && r < 0.27) {
        out.push(...loopBlock('repeat', { statement: pick(['p % 3', '2', '1', '0']) }, block(refs, depth - 1, 1 + Math.floor(random() * 2))));
      } else if (depth > 0 && r < 0.37) {
        const counter = `w_${tag++}`;
        out.push(act('variable', counter, { statement: 0 }, { arg_types: { statement: 'int' } }));
        out.push(...loopBlock('while', { statement: `${counter} < p % 2 + ${pick([0, 1, 2])}` }, [
          ...block([...refs, counter], depth - 1, 1 + Math.floor(random() * 2)),
          act('math_variable', counter, { statement: `${counter} + 1` }, { arg_types: { statement: 'int' } }),
        ]));
      } else if (depth > 0 && r < 0.42) {
        out.push(act('workflows', 'child', { k: `#${pick(refs)}` }, {
          workflow: [{ ...action(['k']), id: 1 }, { ...act('math_variable', 'km', { statement: 'k + 1' }), id: 2 }, { ...action(['km']), id: 3 }],
        }));
      } else out.push(...leaf(refs));
    }
    return out;
  };
  const counter = `w_${tag++}`;
  const skeleton = [
    act('variable', counter, { statement: 0 }, { arg_types: { statement: 'int' } }),
    ...loopBlock('while', { statement: `${counter} < p % 2 + 1` }, [
      ...loopBlock('repeat', { statement: '2' }, [
        ...ifBlock(`${counter} == 0`, [
          act('input', `in_${tag++}`, { statement: 'Count for #p?' }, { arg_types: { statement: 'int' } }),
          action(['p', counter]),
        ], [act('pause', 'pause', { statement: 'Look at #p' }), action(['v0'])]),
      ]),
      ...block(['p', 'v0', counter], 2, 2),
      act('math_variable', counter, { statement: `${counter} + 1` }, { arg_types: { statement: 'int' } }),
    ]),
  ];
  const script = block(['p', 'v0'], 3, 3);
  const at = Math.floor(random() * (script.length + 1));
  // Keep the skeleton's markers together: insert it at a top-level boundary of the random part.
  const boundary = topLevelBoundaries(script).filter((b) => b <= at).pop() ?? 0;
  script.splice(boundary, 0, ...skeleton);
  script.unshift(act('variable', 'v0', { statement: 1 }, { arg_types: { statement: 'int' } }));
  return doc(script, [act('deck.lab', 'prime', { tag: 'prep' }, { return: 'primed' })], [act('deck.lab', 'park', { tag: 'cleanup' })]);
}

/** Indexes where a top-level node starts (not inside a block), so inserted steps keep markers balanced. */
function topLevelBoundaries(actions: WorkflowAction[]): number[] {
  const out: number[] = [];
  let depth = 0;
  actions.forEach((a, i) => {
    if (depth === 0) out.push(i);
    if (['if', 'while', 'repeat'].includes(a.action)) depth += 1;
    if (['endif', 'endwhile', 'endrepeat'].includes(a.action)) depth -= 1;
  });
  out.push(actions.length);
  return out;
}

interface Recorded {
  calls: string[];
  attempts: number[];
  events: EventEnvelope[];
  /** For every checkpoint event: the checkpoint and how many calls had been made when it was emitted. */
  checkpoints: { json: string; calls: number; inFlight: boolean }[];
}

const PLAN = { parameters: [{ p: 0 }, { p: 1 }, { p: 2 }], batchSize: 2 };

/** An operator who always answers the same prompt the same way. */
function answer(prompt: WaitingPrompt, run: WorkflowInterpreter): void {
  if (prompt.kind === 'input') run.submitInput(hash(prompt.message) % 3, prompt.promptId);
  else if (prompt.kind === 'interrupted') run.retry(prompt.promptId);
  else if (prompt.kind === 'pause') run.resume(prompt.promptId);
  else {
    unexpected.push(`${prompt.kind}: ${prompt.message}`);
    run.stopNow();
  }
}
const unexpected: string[] = [];

/** The identity of a call: where it ran and with what; the same in an interrupted and a whole run. */
const identity = (call: StepCall): string =>
  `${call.location.phase}${call.location.repeatIndex}/${call.location.section}/s${call.location.sample}:${call.action}(${JSON.stringify(call.args)})`;

async function record(workflow: WorkflowDocument, checkpoint?: JsonValue): Promise<Recorded> {
  const result: Recorded = { calls: [], attempts: [], events: [], checkpoints: [] };
  const interpreter: WorkflowInterpreter = new WorkflowInterpreter({
    runId: 'fuzz', deck: 'lab', workflow, plan: PLAN, clock: new InstantClock(), checkpoint,
    invoker: {
      invoke: async (call) => {
        result.calls.push(identity(call));
        result.attempts.push(call.attempt);
        return hash(identity(call)) % 7;
      },
    },
    onEvent: (envelope) => {
      // Serialising every event is what the agent's journal does; it also proves events are JSON.
      const copy = JSON.parse(JSON.stringify(envelope)) as EventEnvelope;
      result.events.push(copy);
      const event = copy.event;
      if (event.type === 'checkpoint') {
        const json = serializeCheckpoint(readCheckpoint(event.checkpoint));
        result.checkpoints.push({ json, calls: result.calls.length, inFlight: readCheckpoint(event.checkpoint).state.inFlight?.kind === 'action' });
      }
      if (event.type === 'run.status' && event.status === 'waiting' && event.waiting) {
        const prompt = event.waiting;
        setImmediate(() => answer(prompt, interpreter));
      }
    },
  });
  const outcome = await interpreter.run();
  if (outcome.status !== 'completed') throw new Error(`run ended ${outcome.status}: ${outcome.error ?? ''} ${unexpected.join('; ')}`);
  return result;
}

const finishedPhases = (events: EventEnvelope[]): JsonValue[] =>
  events.filter((e) => e.event.type === 'phase.finished').map((e) => e.event as unknown as JsonValue);

describe(`checkpoint and resume after every step (seed ${SEED})`, () => {
  // Printed so a failing run can be repeated exactly.
  console.info(`workflow checkpoint fuzz: seed ${SEED} (rerun with WORKFLOW_FUZZ_SEED=${SEED})`);
  const random = prng(SEED);
  const workflows = Array.from({ length: WORKFLOWS }, () => randomWorkflow(random));

  it.each(workflows.map((w, i) => [i, w] as const))('workflow %i resumes from every checkpoint without repeating a call', async (_i, workflow) => {
    const whole = await record(workflow);
    const kinds = new Set(workflow.script_dict.script.map((a) => a.instrument));
    expect([...kinds]).toEqual(expect.arrayContaining(['while', 'repeat', 'if', 'input', 'pause']));
    expect(whole.attempts.every((a) => a === 1)).toBe(true);
    expect(whole.checkpoints.length).toBeGreaterThan(whole.calls.length);

    for (const [k, cut] of whole.checkpoints.entries()) {
      const resumed = await record(workflow, JSON.parse(cut.json) as JsonValue);
      const combined = [...whole.calls.slice(0, cut.calls), ...resumed.calls];
      if (JSON.stringify(combined) !== JSON.stringify(whole.calls)) {
        throw new Error(`seed ${SEED}: resuming from checkpoint ${k} gave a different call sequence:\n` +
          `expected ${JSON.stringify(whole.calls.slice(cut.calls))}\nreceived ${JSON.stringify(resumed.calls)}`);
      }
      // A step in flight is reported interrupted and retried once (attempt 2); nothing else repeats.
      expect(resumed.attempts).toEqual(resumed.calls.map((_c, j) => (cut.inFlight && j === 0 ? 2 : 1)));
      // Every sample context came back: the phases finished after the resume match the whole run's.
      const after = finishedPhases(resumed.events);
      expect(after).toEqual(finishedPhases(whole.events).slice(-after.length || Infinity));
      expect(resumed.events.map((e) => e.seq)).toEqual(resumed.events.map((_e, j) => JSON.parse(cut.json).nextSeq + j));
    }
  }, 60_000);
});
