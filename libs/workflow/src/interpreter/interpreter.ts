import type {
  ErrorPolicy, EventEnvelope, JsonObject, JsonValue, ParameterRow, PhaseKey, PromptKind, RunEvent, RunStatus, StepLocation,
  WaitingPrompt,
} from '@ivoryos/contracts';
import {
  checkpointToJson, CheckpointError, createCheckpoint, readCheckpoint, type RunCheckpoint,
} from '../checkpoint';
import { convertValue } from '../convert';
import type { WorkflowNode } from '../model';
import { setOwn } from '../names';
import { stepIdOf } from '../parse';
import { systemClock } from './clock';
import { accepted, Decisions, refuse, type Decision } from './controls';
import { extendLoop, skipHead, stepFrame } from './frames';
import { completeFromJournal, reportInterrupted } from './units';
import { IterationPlan } from './plan';
import { fingerprint, Program } from './program';
import { cloneJson, finalStatus, snapshotState, type Pending, type PhaseState, type RunState } from './state';
import { errorMessage, type Engine } from './engine';
import type { Clock, ControlResult, InterpreterOptions, RowSource, RunOutcome, SourceRows, StepInvoker } from './types';

function initialState(): RunState {
  return {
    stage: 'prep', iteration: 0, phase: null, pending: null, inFlight: null, attempt: 1, paused: false,
    stopAfter: null, stopNow: false, failure: null, abortPhase: false, cutShort: false, promptCounter: 0,
  };
}

/**
 * Runs a workflow: prep once, the script phase per iteration (repeat N, or per parameter row or batch of
 * rows), cleanup once. Emits seq-numbered events, checkpoints after every step, and takes controls at
 * step boundaries. Errors wait for an operator (or follow the error policy) instead of ending the run.
 */
export class WorkflowInterpreter implements Engine {
  readonly program: Program;
  readonly state: RunState;
  readonly invoker: StepInvoker;
  readonly clock: Clock;
  private readonly options: InterpreterOptions;
  private readonly policy: ErrorPolicy;
  private readonly plan: IterationPlan;
  private readonly steps: number;
  private readonly workflowPrint: string;
  private readonly abort = new AbortController();
  private seq: number;
  private snapshot!: RunCheckpoint;
  private lastNow = Number.NaN;
  private lastIso = '';
  private dirty = false;
  private started = false;
  private finished = false;
  private pauseRequested: boolean;
  private readonly decisions = new Decisions();

  constructor(options: InterpreterOptions) {
    this.options = options;
    this.program = new Program(options.workflow, options.schema);
    this.invoker = options.invoker;
    this.clock = options.clock ?? systemClock;
    this.policy = options.errorPolicy ?? 'wait';
    this.plan = new IterationPlan(options.plan);
    this.steps = this.program.parsed.phases.script.nodes.length;
    this.workflowPrint = fingerprint(JSON.stringify(options.workflow.script_dict));
    if (options.checkpoint !== undefined) {
      const checkpoint = readCheckpoint(options.checkpoint);
      if (checkpoint.workflow !== this.workflowPrint) throw new CheckpointError('the checkpoint belongs to a different workflow');
      if (checkpoint.plan !== this.plan.fingerprint) throw new CheckpointError('the checkpoint belongs to a different run plan');
      this.state = cloneJson(checkpoint.state as unknown as JsonObject) as unknown as RunState;
      this.seq = options.nextSeq ?? checkpoint.nextSeq;
      this.program.checkFrames(this.state.phase?.stack ?? []);
    } else {
      this.state = initialState();
      this.seq = options.nextSeq ?? 1;
    }
    this.pauseRequested = this.state.paused;
    this.takeSnapshot(this.seq);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** What the run is doing now, as the run record should show it. */
  get status(): RunStatus {
    if (this.finished) return finalStatus(this.state);
    if (this.state.pending) return 'waiting';
    return this.state.paused ? 'paused' : 'running';
  }

  get waiting(): WaitingPrompt | null {
    return this.state.pending?.prompt ?? null;
  }

  /**
   * The latest checkpoint: the position and every sample context as they were at the last consistent
   * point (each step boundary, before each instrument call, when the run starts waiting or pauses).
   * A fresh interpreter continues from it.
   */
  checkpoint(): RunCheckpoint {
    return this.snapshot;
  }

  private takeSnapshot(nextSeq: number): RunCheckpoint {
    this.snapshot = createCheckpoint(this.workflowPrint, this.plan.fingerprint, nextSeq, snapshotState(this.state));
    return this.snapshot;
  }

  async run(): Promise<RunOutcome> {
    if (this.started) throw new Error('run() may be called once per interpreter');
    this.started = true;
    const s = this.state;
    if (!this.done()) {
      await this.emit(s.pending
        ? { type: 'run.status', status: 'waiting', waiting: s.pending.prompt }
        : { type: 'run.status', status: 'running', waiting: null });
      if (s.inFlight?.kind === 'action') {
        const journaled = this.options.inFlightResult;
        if (journaled) await completeFromJournal(this, s.inFlight, journaled);
        else await reportInterrupted(this, s.inFlight);
      }
      while (!this.done()) {
        const step = this.tick();
        if (step) await step;
        if (this.dirty) await this.checkpointNow();
      }
    }
    this.finished = true;
    const outcome: RunOutcome = { status: finalStatus(s), error: s.failure };
    await this.emit({ type: 'run.status', status: outcome.status, waiting: null, error: outcome.error });
    await this.checkpointNow();
    return outcome;
  }

  // ------------------------------------------------------------------ controls

  /** Pause at the next step boundary; the status becomes `paused` once the run has actually stopped. */
  pause(): ControlResult {
    if (this.finished) return refuse('the run has finished');
    this.pauseRequested = true;
    return accepted;
  }

  /** Resume a paused run, or continue after a `pause` step. */
  resume(promptId?: string): ControlResult {
    if (this.state.pending?.kind === 'pause') return this.answer({ type: 'resume' }, promptId);
    if (this.state.paused && !this.state.pending) {
      if (this.decisions.isAnswered) return refuse('already resuming');
      return this.decisions.deliver({ type: 'resume' });
    }
    if (this.pauseRequested) {
      this.pauseRequested = false;
      return accepted;
    }
    return refuse('the run is not paused');
  }

  /** Run the failed (or interrupted) step again, as a new attempt. */
  retry(promptId?: string): ControlResult {
    const kind = this.state.pending?.kind;
    if (kind !== 'error' && kind !== 'interrupted' && kind !== 'source') return refuse('no failed step to retry');
    return this.answer({ type: 'retry' }, promptId);
  }

  /** Move past the failed or interrupted step (its outputs stay unset), a pause step, or an input. */
  skip(promptId?: string): ControlResult {
    if (!this.state.pending) return refuse('nothing to skip');
    return this.answer({ type: 'skip' }, promptId);
  }

  /** Answer an `input` step; the value is converted to the declared type or refused. */
  submitInput(value: JsonValue, promptId?: string): ControlResult {
    const pending = this.state.pending;
    if (pending?.kind !== 'input') return refuse('the run is not waiting for input');
    const converted = convertValue(value, pending.type);
    if (!converted.ok) return refuse(converted.error);
    return this.answer({ type: 'input', value: converted.value }, promptId);
  }

  /**
   * Row-source runs (optimizer campaigns), while paused or waiting: the operator's row runs as the next
   * iteration (suggested by `operator`), before the source is asked again; its result feeds the source
   * like any other. Kept in the state, so the next checkpoint holds it (until then the journaled command
   * is applied again after a restart).
   */
  insertTrial(row: ParameterRow): ControlResult {
    if (!this.plan.source) return refuse('only optimizer runs take trials');
    if (this.finished) return refuse('the run has finished');
    if (!this.state.paused && !this.state.pending) return refuse('the run is neither paused nor waiting');
    this.state.operatorRows = [...(this.state.operatorRows ?? []), cloneJson(row)];
    return accepted;
  }

  /** Finish the current iteration, then go to cleanup (unless `cleanup: false`). */
  stopAfterIteration(options: { cleanup?: boolean } = {}): ControlResult {
    if (this.finished) return refuse('the run has finished');
    this.state.stopAfter = { cleanup: options.cleanup ?? true };
    return accepted;
  }

  /** Stop at the next step boundary without cleanup. A driver call in progress is never interrupted. */
  stopNow(): ControlResult {
    if (this.finished) return refuse('the run has finished');
    this.state.stopNow = true;
    this.abort.abort();
    this.decisions.stop();
    return accepted;
  }

  private answer(decision: Decision, promptId: string | undefined): ControlResult {
    const pending = this.state.pending;
    if (!pending) return refuse('nothing is waiting');
    if (promptId !== undefined && promptId !== pending.prompt.promptId) return refuse(`prompt ${promptId} is not the current prompt`);
    if (this.decisions.isAnswered) return refuse('the prompt has already been answered');
    return this.decisions.deliver(decision);
  }

  // ------------------------------------------------------------------ the loop

  private done(): boolean {
    return this.state.stage === 'done';
  }

  private tick(): Promise<void> | void {
    const s = this.state;
    if (s.stopNow) return this.stopHere();
    if (s.pending) return this.resolvePending(s.pending);
    if (this.pauseRequested) return this.holdPaused();
    if (!s.phase) return this.startNextPhase();
    if (s.abortPhase) return this.endPhase();
    const top = s.phase.stack[s.phase.stack.length - 1];
    if (!top) return this.endPhase();
    return stepFrame(this, top);
  }

  private async stopHere(): Promise<void> {
    const inFlight = this.state.inFlight;
    if (inFlight && this.state.phase) {
      // Only a resumed wait can still be in flight here; close its record instead of leaving it running.
      this.state.inFlight = null;
      await this.emit({
        type: 'step.finished', instrument: inFlight.instrument, methodName: inFlight.methodName, args: inFlight.args,
        attempt: inFlight.attempt, status: 'skipped', output: null, context: { ...this.state.phase.contexts[inFlight.location.sample] },
        error: 'Stopped', ...inFlight.location,
      });
    }
    if (this.state.phase) await this.endPhase();
    this.state.stage = 'done';
  }

  private async resolvePending(pending: Pending): Promise<void> {
    const decision = await this.decisions.next(this.state.stopNow);
    this.decisions.open();
    this.state.pending = null;
    if (decision.type === 'stop') {
      this.state.stopNow = true;
      return;
    }
    if (pending.kind === 'source') {
      // nothing ran: retry asks the source again on the next tick, skip asks its fallback
      this.state.sourceFallback = decision.type === 'skip';
    } else if (decision.type === 'retry') {
      if (pending.kind === 'error' && pending.maxIterations) extendLoop(this);
      else this.state.attempt += 1;
    } else if (decision.type === 'input' && pending.kind === 'input') {
      this.assign(pending.sample, pending.variable, cloneJson(decision.value));
      await this.log('info', `Input ${pending.variable} = ${JSON.stringify(decision.value)}`);
      skipHead(this);
    } else if (decision.type === 'skip' && pending.kind !== 'pause') {
      skipHead(this, pending.kind === 'error' && pending.maxIterations);
    }
    await this.emit({ type: 'run.status', status: 'running', waiting: null });
  }

  private async holdPaused(): Promise<void> {
    this.state.paused = true;
    await this.emit({ type: 'run.status', status: 'paused', waiting: null });
    await this.checkpointNow();
    const decision = await this.decisions.next(this.state.stopNow);
    this.decisions.open();
    this.pauseRequested = false;
    this.state.paused = false;
    if (decision.type === 'stop') {
      this.state.stopNow = true;
      return;
    }
    await this.emit({ type: 'run.status', status: 'running', waiting: null });
  }

  private async openPhase(
    key: PhaseKey, repeatIndex: number, contexts: JsonObject[], parameters: ParameterRow[] | null, meta: JsonObject[] | null = null,
  ): Promise<void> {
    const name = key === 'script' ? 'main' : key;
    const fromSource = this.plan.source !== null && key === 'script' && parameters !== null;
    this.state.phase = {
      key, name, repeatIndex, contexts,
      stack: [{ t: 'seq', block: key, pc: 0, sub: 0, samples: contexts.map((_, i) => i) }],
      ...(fromSource ? { rows: parameters, rowMeta: meta } : {}),
    };
    await this.emit({ type: 'phase.started', phase: name, repeatIndex, parameters, ...(fromSource && meta ? { meta } : {}) });
    if (key === 'script') await this.emit({ type: 'progress', iteration: repeatIndex, total: this.plan.total, step: 0, steps: this.steps });
  }

  private async startNextPhase(): Promise<void> {
    const s = this.state;
    switch (s.stage) {
      case 'prep':
        return this.openPhase('prep', 1, [{}], null);
      case 'main': {
        if (s.failure || s.iteration >= this.plan.total) {
          s.stage = 'cleanup';
          return;
        }
        if (s.stopAfter) {
          s.cutShort = true;
          s.stage = 'cleanup';
          return this.log('info', `Stopping after iteration ${s.iteration} of ${this.plan.total}`);
        }
        if (this.plan.source) return this.openSourceIteration(this.plan.source);
        const { contexts, parameters } = this.plan.samples(s.iteration);
        return this.openPhase('script', s.iteration + 1, contexts, parameters);
      }
      case 'cleanup':
        if (s.stopAfter && !s.stopAfter.cleanup) {
          s.cutShort = true;
          s.stage = 'done';
          return this.log('info', 'Skipping cleanup section due to stop signal.');
        }
        return this.openPhase('cleanup', 1, [{}], null);
      default:
    }
  }

  /**
   * A row-source run asks its source for the next iteration's rows, keeps them in the state (the next
   * checkpoint journals them before any of them runs), then opens the iteration on the following tick.
   * A failing source makes the run wait: retry asks again, skip asks the source's fallback, stop stops.
   */
  private async openSourceIteration(source: RowSource): Promise<void> {
    const s = this.state;
    const rows = s.nextRows;
    if (rows) {
      const meta = s.nextMeta ?? null;
      s.nextRows = null;
      s.nextMeta = null;
      return this.openPhase('script', s.iteration + 1, rows.map((r) => cloneJson(r)), rows, meta);
    }
    const operator = s.operatorRows?.[0];
    if (operator) {
      s.operatorRows = s.operatorRows?.slice(1);
      return this.openPhase('script', s.iteration + 1, [cloneJson(operator)], [operator], [{ suggestedBy: 'operator' }]);
    }
    const useFallback = s.sourceFallback === true;
    s.sourceFallback = false;
    let next: SourceRows | null;
    try {
      next = useFallback && source.fallback ? await source.fallback(s.results ?? [], s.iteration) : await source.next(s.results ?? [], s.iteration);
    } catch (error) {
      const message = `No rows for iteration ${s.iteration + 1}: ${errorMessage(error)}`;
      await this.log('error', message);
      if (this.policy === 'stop') {
        s.failure = message;
        s.stage = 'cleanup';
        return;
      }
      if (this.policy === 'skip' && source.fallback && !useFallback) {
        s.sourceFallback = true;
        return this.log('warn', 'Using the fallback rows (error policy: skip)');
      }
      return this.hold({ kind: 'source', prompt: this.prompt('optimizer', `${message}. Retry asks again, skip uses the fallback (the next design point), stop ends the run.`), maxIterations: false });
    }
    if (!next || next.rows.length === 0) {
      s.stage = 'cleanup';
      return;
    }
    s.nextRows = next.rows.map((r) => cloneJson(r));
    s.nextMeta = next.meta ? next.meta.map((m) => cloneJson(m)) : null;
    this.dirty = true;
  }

  private async endPhase(): Promise<void> {
    const s = this.state;
    const phase = s.phase;
    if (!phase) return;
    s.phase = null;
    s.abortPhase = false;
    s.attempt = 1;
    await this.emit({ type: 'phase.finished', phase: phase.name, repeatIndex: phase.repeatIndex, outputs: phase.contexts.map((c) => ({ ...c })) });
    if (phase.key === 'script' && this.plan.source && phase.rows) {
      const rows = phase.rows;
      const finished = phase.contexts.map((c, i) => ({
        iteration: phase.repeatIndex, parameters: rows[i], outputs: { ...c }, meta: phase.rowMeta?.[i] ?? null,
      }));
      s.results = [...(s.results ?? []), ...finished];
    }
    if (phase.key === 'script') {
      s.iteration += 1;
      await this.emit({ type: 'progress', iteration: phase.repeatIndex, total: this.plan.total, step: this.steps, steps: this.steps });
    }
    if (phase.key === 'prep') s.stage = 'main';
    if (phase.key === 'cleanup') s.stage = 'done';
  }

  // ------------------------------------------------------------------ Engine

  phase(): PhaseState {
    const phase = this.state.phase;
    if (!phase) throw new Error('no phase is running');
    return phase;
  }

  emit(event: RunEvent): Promise<void> | void {
    const envelope: EventEnvelope = { runId: this.options.runId, deck: this.options.deck, seq: this.seq++, at: this.isoNow(), event };
    if (event.type !== 'checkpoint') this.dirty = true;
    return this.options.onEvent(envelope);
  }

  /** Events come in bursts within one millisecond; formatting the time once per millisecond is enough. */
  private isoNow(): string {
    const now = this.clock.now();
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastIso = new Date(now).toISOString();
    }
    return this.lastIso;
  }

  async checkpointNow(): Promise<void> {
    this.dirty = false;
    if (this.options.emitCheckpoints === false) {
      this.takeSnapshot(this.seq);
      return;
    }
    // The checkpoint event itself takes the current seq; the checkpoint records the one after it.
    const checkpoint = this.takeSnapshot(this.seq + 1);
    await this.emit({ type: 'checkpoint', checkpoint: checkpointToJson(checkpoint) });
  }

  async log(level: 'debug' | 'info' | 'warn' | 'error', message: string): Promise<void> {
    await this.emit({ type: 'log', level, message });
  }

  vars(sample: number): JsonObject {
    const stack = this.phase().stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const frame = stack[i];
      if (frame.t === 'call' && frame.scope) return frame.scope;
    }
    return this.phase().contexts[sample];
  }

  assign(sample: number, name: string, value: JsonValue): void {
    const phase = this.phase();
    setOwn(phase.contexts[sample], name, value);
    for (const frame of phase.stack) if (frame.t === 'call' && frame.scope) setOwn(frame.scope, name, value);
  }

  location(node: WorkflowNode, sample: number): StepLocation {
    const phase = this.phase();
    let section: string = phase.key;
    for (const frame of phase.stack) {
      if (frame.t !== 'call' || !frame.scope) continue;
      const call = this.program.node(frame.block, frame.at);
      section += `-${stepIdOf(call.action, call.start) - 1}`;
    }
    const stepIndex = stepIdOf(node.action, node.start);
    return { phase: phase.name, repeatIndex: phase.repeatIndex, stepIndex, sample, section: `${section}-${stepIndex - 1}` };
  }

  async fail(message: string, options: { maxIterations?: boolean } = {}): Promise<void> {
    await this.log('error', message);
    if (this.policy === 'skip') {
      await this.log('warn', 'Skipped (error policy: skip)');
      skipHead(this, options.maxIterations);
    } else if (this.policy === 'stop') {
      this.state.failure = message;
      this.state.abortPhase = true;
    } else {
      await this.hold({ kind: 'error', prompt: this.prompt('error', message), maxIterations: options.maxIterations === true });
    }
  }

  async hold(pending: Pending): Promise<void> {
    this.state.pending = pending;
    this.decisions.open();
    await this.emit({ type: 'run.status', status: 'waiting', waiting: pending.prompt });
  }

  prompt(kind: PromptKind, message: string, extra: Pick<WaitingPrompt, 'inputType' | 'choices'> = {}): WaitingPrompt {
    this.state.promptCounter += 1;
    return { promptId: `prompt-${this.state.promptCounter}`, kind, message, ...extra, since: this.isoNow() };
  }
}
