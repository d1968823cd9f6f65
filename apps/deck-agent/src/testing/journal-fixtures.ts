/* In-process helpers for journal specs: real interpreter event streams, as journal text. */
import { CONTRACT_VERSION, type EventEnvelope, type RunCommand, type RunEvent, type RunJob, type WaitingPrompt } from '@ivoryos/contracts';
import { WorkflowInterpreter, type StepCall } from '@ivoryos/workflow';
import { labSchema } from './workflow-builders';

export interface Simulation {
  events: EventEnvelope[];
  calls: StepCall[];
}

/**
 * Runs the job's workflow in this process against fake instruments (`noop` returns its `x`, `fail`
 * throws), answering prompts with `respond`. Returns every event in seq order.
 */
export async function simulate(job: RunJob, respond: (prompt: WaitingPrompt, it: WorkflowInterpreter) => void = (_p, it) => it.stopNow()): Promise<Simulation> {
  const events: EventEnvelope[] = [];
  const calls: StepCall[] = [];
  const it: WorkflowInterpreter = new WorkflowInterpreter({
    runId: job.runId, deck: job.deck, workflow: job.workflow, plan: { repeat: job.repeat, batchSize: job.batchSize }, schema: labSchema,
    invoker: {
      invoke: async (call) => {
        calls.push(call);
        if (call.action === 'fail') throw new Error('jammed');
        return call.args['x'] ?? null;
      },
    },
    onEvent: (e) => {
      events.push(e);
      if (e.event.type === 'run.status' && e.event.status === 'waiting' && e.event.waiting) {
        const prompt = e.event.waiting;
        setImmediate(() => respond(prompt, it));
      }
    },
  });
  await it.run();
  return { events, calls };
}

export const acceptedLine = (job: RunJob, at = '2026-01-01T00:00:00.000Z'): string => JSON.stringify({ type: 'run.accepted', runId: job.runId, job, at });
export const eventLine = (e: EventEnvelope): string => JSON.stringify({ type: 'run.event', envelope: e });
export const commandLine = (command: RunCommand, streamId = '5-0'): string => JSON.stringify({ type: 'command', streamId, command, at: '2026-01-01T00:00:00.000Z' });

/** The journal text of a run accepted and then reporting `events`. */
export function journalText(job: RunJob, events: EventEnvelope[], extra: string[] = []): string {
  return [acceptedLine(job), ...events.map(eventLine), ...extra].join('\n') + '\n';
}

/** Index of the first event matching, after `from`. */
export function indexOf(events: EventEnvelope[], match: (e: RunEvent) => boolean, from = 0): number {
  const i = events.findIndex((e, at) => at >= from && match(e.event));
  if (i < 0) throw new Error('no such event');
  return i;
}

export function command(runId: string, type: RunCommand['type'], extra: Partial<RunCommand> = {}): RunCommand {
  return { schemaVersion: CONTRACT_VERSION, commandId: `cmd-${type}-${Math.random().toString(36).slice(2, 8)}`, runId, type, promptId: null, issuedBy: 'op', issuedAt: '2026-01-01T00:00:00.000Z', ...extra };
}

export function answer(runId: string, seq: number, c: RunCommand, outcome: 'applied' | 'refused' = 'applied'): EventEnvelope {
  return { runId, deck: 'lab', seq, at: '2026-01-01T00:00:00.000Z', event: { type: 'command', commandId: c.commandId, command: c.type, outcome, reason: null } };
}
