import { UnrecoverableError, type Job } from 'bullmq';
import { CONTRACT_VERSION, jobNames, type DeckSchema, type DirectCallJob, type DirectCallNotRun, type DirectCallResult } from '@ivoryos/contracts';
import { traceContextOf, withSpan } from '@ivoryos/telemetry';
import { sanitizeForJson, StepInterruptedError } from '@ivoryos/workflow';
import { parseDirectCallJob, refuseBySchema } from './direct-call-payload';
import type { HardwareLock } from './hardware-lock';
import { epochMs, type CallTiming } from './hop-timing';
import type { Invoker } from './invoke';
import type { JournaledCall, Journal } from './journal';
import type { Logger } from './logger';
import { errorText } from './registration';

export const DEADLINE_PASSED = 'the caller gave up before the call started';
export const INTERRUPTED = 'interrupted: the agent stopped during this call; outcome unknown';

export interface DirectCallDeps {
  deck: string;
  schema: DeckSchema;
  journal: Journal;
  lock: HardwareLock;
  invoker: Invoker;
  logger: Logger;
  now?: () => number;
  /** Benchmarks only (IVORYOS_HOP_TIMING): told the timestamps of every call that ran. */
  timing?: (timing: CallTiming) => void;
}

/**
 * The `direct.call` handler. At most once per call id: the journal's `call.start` is written
 * before the driver is called, and a call id found in the journal is answered from it, never
 * called again. A driver exception is an answer (`success: false`), not a failed job.
 */
export type DirectCallJobLike = Pick<Job, 'id' | 'name' | 'data'>;

export function createDirectCallProcessor(deps: DirectCallDeps): (job: DirectCallJobLike) => Promise<DirectCallResult> {
  const now = deps.now ?? Date.now;
  return async (job) => {
    const marks = deps.timing ? { picked: epochMs(), driverStart: 0, driverEnd: 0 } : undefined;
    if (job.name !== jobNames.directCall) {
      throw new UnrecoverableError(`this agent does not handle '${job.name}' jobs`);
    }
    const parsed = parseDirectCallJob(job.data, { deck: deps.deck, jobId: job.id });
    if (!parsed.ok) {
      deps.logger.warn({ jobId: job.id, errors: parsed.errors }, 'direct call refused: malformed payload');
      throw new UnrecoverableError(`malformed direct.call payload: ${parsed.errors.join('; ')}`);
    }
    const call = parsed.job;
    // One span for the call here (child of the gateway's dispatch span), its driver call inside.
    return withSpan(`direct call ${call.instrument}.${call.action}`, { parent: call.trace, attributes: { 'ivoryos.call': call.callId, 'ivoryos.deck': deps.deck } }, async (span) => {
      const result = await processCall(call, deps, now, marks);
      const trace = span && traceContextOf();
      return trace ? { ...result, trace } : result;
    });
  };
}

async function processCall(call: DirectCallJob, deps: DirectCallDeps, now: () => number, marks?: Omit<CallTiming, 'callId' | 'returned'>): Promise<DirectCallResult> {
  const log = deps.logger.child({ callId: call.callId, instrument: call.instrument, action: call.action, calledBy: call.calledBy });

  const earlier = deps.journal.lookup(call.callId);
  if (earlier) return fromJournal(earlier, log);

  const refusal = refuseBySchema(deps.schema, call);
  if (refusal) {
    log.warn({ reason: refusal.reason }, `direct call refused: ${refusal.error}`);
    return notRun(call.callId, refusal.reason, refusal.error);
  }

  return deps.lock.runExclusive(async () => {
    // Checked again under the lock: a run or another call may have held it meanwhile.
    const repeated = deps.journal.lookup(call.callId);
    if (repeated) return fromJournal(repeated, log);
    if (now() > call.deadline) {
      log.info({ deadline: new Date(call.deadline).toISOString() }, 'direct call not run: deadline passed');
      return notRun(call.callId, 'deadline-passed', DEADLINE_PASSED);
    }
    const result = await execute(call, deps, log, marks);
    if (marks) deps.timing?.({ callId: call.callId, ...marks, returned: epochMs() });
    return result;
  });
}

async function execute(call: DirectCallJob, deps: DirectCallDeps, log: Logger, marks?: Omit<CallTiming, 'callId' | 'returned'>): Promise<DirectCallResult> {
  const startedAt = new Date().toISOString();
  // If this throws (disk full), the driver is never called and the job fails.
  deps.journal.appendStart({
    callId: call.callId,
    instrument: call.instrument,
    action: call.action,
    kwargs: call.kwargs,
    calledBy: call.calledBy,
    at: startedAt,
  });
  log.info({ kwargs: call.kwargs }, 'direct call started');

  let result: DirectCallResult;
  if (marks) marks.driverStart = epochMs();
  try {
    const output = sanitizeForJson(await withSpan(`driver call ${call.instrument}.${call.action}`, {}, () => deps.invoker.invoke(call.instrument, call.action, call.kwargs)));
    result = { schemaVersion: CONTRACT_VERSION, callId: call.callId, ran: true, success: true, output, error: null, startedAt, endedAt: new Date().toISOString() };
  } catch (err) {
    // A Python deck's bridge died during the call: whether the driver finished is unknown, as after an agent crash.
    const error = err instanceof StepInterruptedError ? `interrupted: ${err.message}; outcome unknown` : errorText(err);
    result = { schemaVersion: CONTRACT_VERSION, callId: call.callId, ran: true, success: false, output: null, error, startedAt, endedAt: new Date().toISOString() };
  }
  if (marks) marks.driverEnd = epochMs();

  try {
    deps.journal.appendEnd({ callId: call.callId, result, at: result.endedAt ?? startedAt });
  } catch (err) {
    // The call happened; its answer is still the truth. A later redelivery will say "interrupted".
    log.error({ err: errorText(err) }, 'could not journal the end of the call');
  }
  if (result.success) log.info('direct call finished');
  else log.warn({ error: result.error }, 'direct call finished with a driver error');
  return result;
}

function fromJournal(call: JournaledCall, log: Logger): DirectCallResult {
  if (call.end) {
    log.info('direct call already done: answering from the journal, not calling again');
    // Journals written before versioned contracts hold results without a version: answered in this one.
    return { ...call.end.result, schemaVersion: CONTRACT_VERSION };
  }
  log.warn({ startedAt: call.start.at }, 'direct call was interrupted earlier: not calling again');
  return { ...notRun(call.start.callId, 'interrupted', INTERRUPTED), startedAt: call.start.at };
}

function notRun(callId: string, reason: DirectCallNotRun, error: string): DirectCallResult {
  return { schemaVersion: CONTRACT_VERSION, callId, ran: false, success: false, output: null, error, startedAt: null, endedAt: null, notRun: reason };
}
