import type { EventEnvelope, JsonValue, RunCommand } from '@ivoryos/contracts';
import { readCheckpoint, type InterpreterOptions, type RunCheckpoint } from '@ivoryos/workflow';
import type { RunEntry } from './run-book';

export type JournaledResult = NonNullable<InterpreterOptions['inFlightResult']>;

/** Where a run (re)starts, and what a fresh interpreter needs to continue it. */
export interface ResumePoint {
  /** `journal`: this agent's own record; `gateway`: the RunJob's `resume`; `fresh`: nothing ran yet. */
  source: 'journal' | 'gateway' | 'fresh';
  checkpoint?: JsonValue;
  nextSeq?: number;
  /** The step in flight at the checkpoint finished, and the journal holds its `step.finished`. */
  inFlightResult?: JournaledResult;
  /** Commands answered `applied` after the checkpoint: their effect is not in it, so they are applied again. */
  reapply: RunCommand[];
  /** The agent was stopped during the run after the checkpoint and asked it to pause. */
  suspend: boolean;
}

/**
 * Pure: from what the journal holds about a run to how it continues. The journal wins over the gateway's
 * checkpoint; the gateway's is used only while the journal has no checkpoint of its own for the run.
 */
export function resumePoint(entry: RunEntry): ResumePoint {
  const reapply = entry.reapply.map((a) => a.command);
  if (entry.checkpoint) {
    const { event } = JSON.parse(entry.checkpoint.json) as EventEnvelope;
    const journaled = event.type === 'checkpoint' ? event.checkpoint : null;
    const after = entry.afterCheckpoint.map((e) => JSON.parse(e.json) as EventEnvelope);
    return {
      source: 'journal',
      checkpoint: journaled,
      nextSeq: entry.lastSeq + 1,
      inFlightResult: inFlightResultOf(journaled, after),
      reapply,
      suspend: entry.suspendedAfter !== null && entry.suspendedAfter >= entry.checkpoint.seq,
    };
  }
  const suspend = entry.suspendedAfter !== null;
  const resume = entry.job.resume;
  if (resume) return { source: 'gateway', checkpoint: resume.checkpoint, nextSeq: Math.max(resume.lastSeq, entry.lastSeq) + 1, reapply, suspend };
  if (entry.lastSeq > 0) return { source: 'journal', nextSeq: entry.lastSeq + 1, reapply, suspend };
  return { source: 'fresh', reapply, suspend };
}

/**
 * The result of the step a checkpoint had in flight, when its `step.finished` (completed or failed) was
 * journaled after the checkpoint: the agent stopped between the two, and the driver must not be called again.
 */
export function inFlightResultOf(checkpoint: JsonValue, after: EventEnvelope[]): JournaledResult | undefined {
  let parsed: RunCheckpoint;
  try {
    parsed = readCheckpoint(checkpoint);
  } catch {
    return undefined; // the interpreter refuses it with the reason
  }
  const inFlight = parsed.state.inFlight;
  if (!inFlight || inFlight.kind !== 'action') return undefined;
  const at = inFlight.location;
  for (const { event: e } of after) {
    if (e.type !== 'step.finished' || (e.status !== 'completed' && e.status !== 'failed')) continue;
    const same = e.phase === at.phase && e.repeatIndex === at.repeatIndex && e.stepIndex === at.stepIndex && e.sample === at.sample
      && (e.section ?? null) === (at.section ?? null) && e.attempt === inFlight.attempt;
    if (same) return { status: e.status, output: e.output, error: e.error ?? null };
  }
  return undefined;
}
