import type {
  EventEnvelope, JsonValue, RunEvent, WaitingPrompt, WorkflowAction, WorkflowDocument,
} from '@ivoryos/contracts';
import { WorkflowInterpreter } from '../interpreter/interpreter';
import type { Clock, InterpreterOptions, RunOutcome, StepCall } from '../interpreter/types';

/** Helpers for the interpreter specs (not part of the library's API). */

/** Time that moves only when the run sleeps, so waits are instant and measurable. */
export class InstantClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (!signal.aborted) this.time += ms;
    return Promise.resolve();
  }
}

/** Time that moves only when a test calls `advance`; a sleep also ends when its signal aborts. */
export class ManualClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];
  constructor(public time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  get sleeping(): number {
    return this.sleepers.length;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = { until: this.time + ms, resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    due.forEach((s) => s.resolve());
  }
}

let uuid = 1000;
/** A workflow action with defaults filled in. */
export function act(instrument: string, action: string, args: Record<string, JsonValue> = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction {
  return { id: 0, uuid: uuid++, instrument, action, args, return: '', ...extra };
}

/** Numbers the actions 1..N as IvoryOS does. */
export function phase(...actions: WorkflowAction[]): WorkflowAction[] {
  return actions.map((a, i) => ({ ...a, id: i + 1 }));
}

export function doc(script: WorkflowAction[], prep: WorkflowAction[] = [], cleanup: WorkflowAction[] = []): WorkflowDocument {
  return {
    name: 'test', deck: 'demo', status: 'editing', author: 'tester',
    script_dict: { prep: phase(...prep), script: phase(...script), cleanup: phase(...cleanup) },
    id_order: { prep: [], script: [], cleanup: [] },
  };
}

/** if/else/endif markers sharing one uuid. */
export function ifBlock(statement: JsonValue, then: WorkflowAction[], otherwise: WorkflowAction[] | null = null): WorkflowAction[] {
  const id = uuid++;
  const marker = (action: string, args: Record<string, JsonValue> = {}): WorkflowAction => ({ id: 0, uuid: id, instrument: 'if', action, args, return: '' });
  return [marker('if', { statement }), ...then, ...(otherwise ? [marker('else'), ...otherwise] : []), marker('endif')];
}

export function loopBlock(kind: 'while' | 'repeat', args: Record<string, JsonValue>, body: WorkflowAction[]): WorkflowAction[] {
  const id = uuid++;
  return [
    { id: 0, uuid: id, instrument: kind, action: kind, args, return: '' },
    ...body,
    { id: 0, uuid: id, instrument: kind, action: `end${kind}`, args: {}, return: '' },
  ];
}

export type Responder = (prompt: WaitingPrompt, interpreter: WorkflowInterpreter) => void;

export interface HarnessOptions extends Partial<Omit<InterpreterOptions, 'invoker' | 'onEvent'>> {
  /** Fake instrument behaviour by action name; unknown actions return null. */
  handlers?: Record<string, (call: StepCall, count: number) => unknown>;
  /** Answers prompts; without one a prompt fails the test. */
  respond?: Responder;
  /** Called for every event, after it is recorded. */
  onEvent?: (event: EventEnvelope, interpreter: WorkflowInterpreter) => void;
}

export interface HarnessResult {
  outcome: RunOutcome;
  events: EventEnvelope[];
  calls: StepCall[];
  interpreter: WorkflowInterpreter;
}

/** Runs a workflow against fake instruments, answering prompts on the next tick like an operator would. */
export async function runHarness(workflow: WorkflowDocument, options: HarnessOptions = {}): Promise<HarnessResult> {
  const events: EventEnvelope[] = [];
  const calls: StepCall[] = [];
  const counts = new Map<string, number>();
  const unexpected: string[] = [];
  const { handlers = {}, respond, onEvent, ...rest } = options;
  const interpreter: WorkflowInterpreter = new WorkflowInterpreter({
    runId: 'run-1', deck: 'demo', plan: {}, clock: new InstantClock(), workflow, ...rest,
    invoker: {
      invoke: async (call) => {
        calls.push(call);
        const n = (counts.get(call.action) ?? 0) + 1;
        counts.set(call.action, n);
        const handler = handlers[call.action];
        return handler ? handler(call, n) : null;
      },
    },
    onEvent: (envelope) => {
      events.push(envelope);
      onEvent?.(envelope, interpreter);
      const event = envelope.event;
      if (event.type === 'run.status' && event.status === 'waiting' && event.waiting) {
        const prompt = event.waiting;
        setImmediate(() => {
          if (respond) return respond(prompt, interpreter);
          unexpected.push(prompt.message);
          interpreter.stopNow();
        });
      }
    },
  });
  const outcome = await interpreter.run();
  if (unexpected.length) throw new Error(`unexpected prompts: ${unexpected.join('; ')}`);
  return { outcome, events, calls, interpreter };
}

type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

export function eventsOf<T extends RunEvent['type']>(events: EventEnvelope[], type: T): EventOf<T>[] {
  return events.map((e) => e.event).filter((e): e is EventOf<T> => e.type === type);
}

/** Step rows as the gateway would record them: one per step.started, completed by its step.finished. */
export function stepRows(events: EventEnvelope[]): { method: string; status: string; attempt: number; stepIndex: number; sample: number }[] {
  return eventsOf(events, 'step.finished').map((e) => ({ method: e.methodName, status: e.status, attempt: e.attempt, stepIndex: e.stepIndex, sample: e.sample }));
}
