import { performance } from 'node:perf_hooks';
import type { DeckSchema, EventEnvelope } from '@ivoryos/contracts';
import { SuggestWorker } from '@ivoryos/optimizer';
import { tracingEnabled } from '@ivoryos/telemetry';
import { WorkflowInterpreter, type Clock, type StepInvoker } from '@ivoryos/workflow';
import type { HardwareLock } from '../hardware-lock';
import type { Invoker } from '../invoke';
import type { Journal } from '../journal';
import type { ResumePoint } from '../journal/resume-point';
import type { RunEntry } from '../journal/run-book';
import type { Logger } from '../logger';
import { optimizerRowSource, type Suggester } from './optimizer-source';
import { traceRunEvents } from './run-tracing';

/** What executing runs needs from the agent. */
export interface RunDeps {
  deck: string;
  /** The schema the agent registered: enum literals are converted by it. */
  schema: DeckSchema;
  journal: Journal;
  lock: HardwareLock;
  invoker: Invoker;
  /** Told after every journaled event, so the outbox sends it when Redis is there; never blocks the run. */
  onJournaled: () => void;
  logger: Logger;
  clock?: Clock;
  /** Computes optimizer suggestions; default one worker thread for the agent, so fits never block it. */
  suggester?: Suggester;
}

let sharedWorker: SuggestWorker | null = null;

/** The agent's one optimizer worker thread, started on first use (idle, it does not keep the process alive). */
function workerSuggester(): Suggester {
  sharedWorker ??= new SuggestWorker();
  const worker = sharedWorker;
  return (config, trials, seed, count) => worker.suggest(config, trials, seed, count);
}

/** Longest stretch of instant steps before the run lets timers and I/O in (heartbeats, commands, the outbox). */
const YIELD_EVERY_MS = 20;

/**
 * Each step's driver call under the hardware lock, so a run and a direct call never drive the hardware
 * at once. The step's `step.started` (and the checkpoint after it) are journaled before this is called.
 */
export function stepInvoker(lock: HardwareLock, invoker: Invoker): StepInvoker {
  let lastYield = performance.now();
  return {
    invoke: async (call) => {
      // Synchronous drivers never wait for I/O, so a loop of them would hold the event loop to the end.
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      return lock.runExclusive(() => invoker.invoke(call.instrument, call.action, call.args));
    },
  };
}

/** The interpreter's event sink: the journal first (it is the outbox), then a nudge to the sender. */
export function journalEvent(deps: Pick<RunDeps, 'journal' | 'onJournaled'>): (envelope: EventEnvelope) => void {
  return (envelope) => {
    deps.journal.appendEvent(envelope);
    deps.onJournaled();
  };
}

/** A fresh interpreter for a run, continuing from `point`. Throws when the run cannot start (reported as failed). */
export function createRunInterpreter(entry: RunEntry, point: ResumePoint, deps: RunDeps): WorkflowInterpreter {
  const { job } = entry;
  if (job.mode === 'optimizer' && !job.optimizer) throw new Error('an optimizer run needs its campaign');
  if (job.schemaHash && job.schemaHash !== deps.schema.hash) {
    deps.logger.warn({ runId: job.runId, validatedAgainst: job.schemaHash, registered: deps.schema.hash }, 'the run was validated against another schema version');
  }
  return new WorkflowInterpreter({
    runId: job.runId,
    deck: deps.deck,
    workflow: job.workflow,
    plan: {
      repeat: job.repeat,
      parameters: job.mode === 'parameters' ? job.parameters : null,
      batchSize: job.batchSize,
      source: job.mode === 'optimizer' && job.optimizer ? optimizerRowSource(job.optimizer, job.batchSize, deps.suggester ?? workerSuggester()) : null,
    },
    invoker: stepInvoker(deps.lock, deps.invoker),
    // Off, the events go straight to the journal; on, each is stamped with its span first.
    onEvent: tracingEnabled() ? traceRunEvents(job, journalEvent(deps)) : journalEvent(deps),
    errorPolicy: job.onError,
    schema: deps.schema,
    clock: deps.clock,
    checkpoint: point.checkpoint,
    nextSeq: point.nextSeq,
    inFlightResult: point.inFlightResult,
  });
}

/**
 * Ends a run the interpreter could not start or that crashed: a `run.status failed` with the next seq,
 * journaled and sent like any event, so the gateway records why and frees the deck.
 */
export function reportRunFailure(entry: RunEntry, error: string, deps: Pick<RunDeps, 'deck' | 'journal' | 'onJournaled'>, nextSeq?: number): void {
  const seq = Math.max(nextSeq ?? 0, entry.lastSeq + 1);
  journalEvent(deps)({
    runId: entry.runId, deck: deps.deck, seq, at: new Date().toISOString(),
    event: { type: 'run.status', status: 'failed', waiting: null, error },
  });
}
