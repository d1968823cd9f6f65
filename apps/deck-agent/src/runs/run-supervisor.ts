import type { RunOutcome, WorkflowInterpreter } from '@ivoryos/workflow';
import { resumePoint } from '../journal/resume-point';
import type { RunEntry } from '../journal/run-book';
import type { Logger } from '../logger';
import { errorText } from '../registration';
import { applyCommand, commandAnswer, parseRunCommand } from './run-commands';
import { createRunInterpreter, reportRunFailure, type RunDeps } from './run-execution';

interface ActiveRun {
  runId: string;
  entry: RunEntry;
  interpreter: WorkflowInterpreter;
  log: Logger;
}

export interface SupervisorDeps extends RunDeps {
  /** The deck's `safe_state()`, after a stop-now. */
  safeState: (reason: string) => Promise<void>;
  /** Told each run's final status here (metrics). */
  onRunEnded?: (status: string) => void;
}

/**
 * Executes accepted runs one at a time, outside the BullMQ worker, in the order they were accepted;
 * routes operator commands to the active run and answers them in its seq order.
 */
export class RunSupervisor {
  private active: ActiveRun | null = null;
  private readonly queue: string[] = [];
  private closing = false;

  constructor(private readonly deps: SupervisorDeps) {}

  /** A run executes (or is being wound down after a stop-now). */
  get busy(): boolean {
    return this.active !== null;
  }

  get activeRunId(): string | null {
    return this.active?.runId ?? null;
  }

  /** At start: every run the journal accepted and did not end continues, oldest first. */
  recover(): string[] {
    const runs = [...this.deps.journal.runs.runs.values()].filter((r) => r.end === null).map((r) => r.runId);
    for (const runId of runs) this.enqueue(runId);
    return runs;
  }

  /** A journaled run: starts now, or after the run in progress (the gateway should not send two, but none is lost). */
  enqueue(runId: string): 'started' | 'queued' {
    this.queue.push(runId);
    this.startNext();
    return this.active?.runId === runId ? 'started' : 'queued';
  }

  private startNext(): void {
    while (!this.closing && !this.active && this.queue.length) {
      const runId = this.queue.shift() as string;
      const entry = this.deps.journal.runs.runs.get(runId);
      if (!entry || entry.end) continue;
      this.start(entry);
    }
  }

  private start(entry: RunEntry): void {
    const log = this.deps.logger.child({ runId: entry.runId });
    const point = resumePoint(entry);
    let interpreter: WorkflowInterpreter;
    try {
      interpreter = createRunInterpreter(entry, point, { ...this.deps, logger: log });
    } catch (err) {
      log.error({ err: errorText(err) }, 'run cannot start; reported as failed');
      this.fail(entry, `The run cannot start: ${errorText(err)}`, log, point.nextSeq);
      return;
    }
    // Commands answered after the checkpoint changed the run in memory only; they hold again.
    for (const command of point.reapply) {
      const result = applyCommand(interpreter, command);
      log.info({ commandId: command.commandId, command: command.type, applied: result.accepted }, 'command from before the restart applied again');
    }
    if (point.suspend && interpreter.status === 'running') interpreter.pause();
    const run: ActiveRun = { runId: entry.runId, entry, interpreter, log };
    this.active = run;
    log.info({ from: point.source, nextSeq: point.nextSeq ?? 1, inFlightFromJournal: point.inFlightResult !== undefined }, point.source === 'fresh' ? 'run started' : 'run resumed');
    interpreter.run().then(
      (outcome) => this.finish(run, outcome),
      (err: unknown) => {
        log.error({ err: errorText(err) }, 'run crashed; reported as failed');
        if (!run.entry.end) this.fail(run.entry, `The agent's run executor failed: ${errorText(err)}`, log);
        return this.finish(run, { status: 'failed', error: errorText(err) });
      },
    ).catch((err: unknown) => log.fatal({ err: errorText(err) }, 'could not wind the run down'));
  }

  private fail(entry: RunEntry, error: string, log: Logger, nextSeq?: number): void {
    try {
      reportRunFailure(entry, error, this.deps, nextSeq);
    } catch (err) {
      log.fatal({ err: errorText(err) }, 'could not journal the failure of the run');
    }
  }

  private async finish(run: ActiveRun, outcome: RunOutcome): Promise<void> {
    run.log.info({ status: outcome.status, error: outcome.error }, 'run ended');
    this.deps.onRunEnded?.(outcome.status);
    // A stop-now leaves the hardware wherever the last step left it: the deck's safe state is the way back.
    if (run.interpreter.state.stopNow) await this.deps.safeState(`run ${run.runId} stopped now`);
    if (this.active === run) this.active = null;
    this.deps.onJournaled();
    this.startNext();
  }

  /**
   * Driver output (a Python deck's print() and logging) while a run's step calls the driver: it goes to that
   * run's log, journaled and sent like its other events. False when no run step is in progress.
   */
  logDriverOutput(level: 'debug' | 'info' | 'warn' | 'error', message: string): boolean {
    const run = this.active;
    if (!run || run.entry.end || run.interpreter.state.inFlight?.kind !== 'action') return false;
    try {
      void run.interpreter.emit({ type: 'log', level, message });
      return true;
    } catch (err) {
      run.log.warn({ err: errorText(err) }, 'could not journal driver output for the run log');
      return false;
    }
  }

  /**
   * One entry of the command stream. Journaled (as the command, or just the stream position) before it is
   * applied, answered with a `command` event in the run's seq order; a command id answered before is not
   * applied again; a command for a run that is not executing here is left to the gateway.
   */
  handleCommand(streamId: string, text: string | undefined, at = new Date().toISOString()): void {
    const journal = this.deps.journal;
    const parsed = parseRunCommand(text);
    if (!parsed.ok) {
      this.deps.logger.warn({ streamId, err: parsed.error }, 'unreadable command skipped');
      journal.appendCursor(streamId, at);
      return;
    }
    const command = parsed.command;
    const log = this.deps.logger.child({ runId: command.runId, commandId: command.commandId, command: command.type });
    const entry = journal.runs.runs.get(command.runId);
    const run = this.active;
    if (entry?.answered.has(command.commandId)) {
      log.debug('command answered before; not applied again');
      journal.appendCursor(streamId, at);
      return;
    }
    if (!run || run.runId !== command.runId || !entry || entry.end) {
      log.debug('command for a run that is not executing here; ignored');
      journal.appendCursor(streamId, at);
      return;
    }
    journal.appendCommand(streamId, command, at);
    const result = applyCommand(run.interpreter, command);
    try {
      // Through the interpreter, so the answer takes the run's next seq and is ordered with its other events.
      void run.interpreter.emit(commandAnswer(command, result));
    } catch (err) {
      // Not journaled, so not answered: the gateway sends the command again.
      log.error({ err: errorText(err) }, 'could not journal the answer to a command');
      return;
    }
    log.info({ outcome: result.accepted ? 'applied' : 'refused', reason: result.reason }, 'command answered');
  }

  /**
   * The agent is stopping. No run starts any more. A running run is asked to pause at its next step
   * boundary (journaled, so a restarted agent keeps it paused) and this waits until it is no longer
   * inside a driver call: paused, waiting for someone, or in a `wait` step (which resumes exactly).
   */
  async suspend(): Promise<void> {
    this.closing = true;
    const run = this.active;
    if (!run) return;
    const it = run.interpreter;
    if (it.status === 'running') {
      it.pause();
      this.deps.journal.appendSuspend(run.runId, run.entry.lastSeq, new Date().toISOString());
      run.log.info('the agent is stopping: the run pauses at its next step boundary');
    }
    while (this.active === run && !(it.status !== 'running' || it.state.inFlight?.kind === 'wait')) await delay(20);
    run.log.info({ status: it.status }, 'run suspended for the agent stop');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
