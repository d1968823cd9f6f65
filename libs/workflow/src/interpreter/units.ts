import type { JsonObject, JsonValue, StepLocation, StepStatus, WorkflowAction } from '@ivoryos/contracts';
import { convertValue } from '../convert';
import { evaluateExpression, ExpressionEvalError, ExpressionSyntaxError } from '../expression';
import type { StepNode, WorkflowNode } from '../model';
import { setOwn } from '../names';
import { pyStr, pyTypeName, truthy } from '../python-values';
import { MissingValueError, substituteText } from '../references';
import { storeReturnValue } from '../returns';
import { sanitizeForJson } from '../sanitize';
import { consolidatedArgs, declaredVariableType, statementOf, variableName } from '../step-fields';
import { errorMessage, type Engine } from './engine';
import { cloneJson, type InFlight } from './state';
import { StepInterruptedError, type JournaledResult } from './types';
import { skipHead } from './frames';

/** `done`: the step finished, move on. `held`: it failed or waits for someone; the head stays put. */
export type UnitOutcome = 'done' | 'held';

/** Steps that honour `batch_action` (IvoryOS's "regular actions"); variables and inputs are always per sample. */
export function batchable(node: WorkflowNode): boolean {
  return (node.kind === 'action' || node.kind === 'wait' || node.kind === 'pause' || node.kind === 'comment')
    && node.action.batch_action === true;
}

function isKnownError(error: unknown): error is Error {
  return error instanceof ExpressionEvalError || error instanceof ExpressionSyntaxError || error instanceof MissingValueError;
}

/** A value, or why it could not be computed (to report through the error policy). */
export type Evaluated<T> = { ok: true; value: T } | { ok: false; error: string };

/** Evaluates an expression for `sample`. Synchronous: conditions and counts run once per pass. */
export function evaluateFor(e: Engine, source: string, sample: number, what: string): Evaluated<JsonValue> {
  try {
    return { ok: true, value: evaluateExpression(e.program.expression(source), e.vars(sample)) };
  } catch (error) {
    if (!isKnownError(error)) throw error;
    return { ok: false, error: `Error evaluating ${what} '${source}': ${error.message}` };
  }
}

/** A `repeat` count or `wait` seconds: a literal number or an expression giving one. */
export function evaluateAmount(e: Engine, action: WorkflowAction, sample: number, kind: 'count' | 'seconds'): Evaluated<number> {
  const statement = statementOf(action);
  let value: JsonValue | undefined = statement;
  if (typeof statement === 'string') {
    const result = evaluateFor(e, statement, sample, `${action.instrument} ${kind}`);
    if (!result.ok) return result;
    value = result.value;
  }
  if (typeof value === 'number' && value >= 0 && (kind === 'seconds' || Number.isInteger(value))) return { ok: true, value };
  return { ok: false, error: `${action.instrument} needs a non-negative ${kind === 'count' ? 'integer' : 'number'}, got ${JSON.stringify(value ?? null)}` };
}

/** Args for one call: references resolved per sample; for a batch, `consolidate_batch_args` aggregated. */
function callArgs(e: Engine, action: WorkflowAction, samples: number[], batch: boolean): JsonObject {
  const first = e.program.resolveArgs(action, e.vars(samples[0]));
  const consolidate = batch ? consolidatedArgs(action) : [];
  if (!consolidate.length) return first;
  const all = [first, ...samples.slice(1).map((s) => e.program.resolveArgs(action, e.vars(s)))];
  for (const key of consolidate) {
    if (!Object.hasOwn(first, key)) continue;
    const merged: JsonValue[] = [];
    for (const args of all) {
      const v = args[key];
      if (Array.isArray(v)) merged.push(...v);
      else merged.push(v);
    }
    setOwn(first, key, merged);
  }
  return first;
}

/** After a batch step ran on the first sample, copy its new variables to the others (where absent). */
export function copyNewKeys(e: Engine, samples: number[], keysBefore: string[] | null): void {
  if (samples.length < 2 || !keysBefore) return;
  const contexts = e.phase().contexts;
  const first = contexts[samples[0]];
  const before = new Set(keysBefore);
  for (const key of Object.keys(first)) {
    if (before.has(key)) continue;
    for (const s of samples.slice(1)) if (!Object.hasOwn(contexts[s], key)) setOwn(contexts[s], key, first[key]);
  }
}

async function finishStep(
  e: Engine, node: StepNode, location: StepLocation, args: JsonObject, attempt: number, status: StepStatus, output: JsonValue, error: string | null,
): Promise<void> {
  await e.emit({
    type: 'step.finished', instrument: node.action.instrument, methodName: node.action.action, args, attempt, status,
    output, context: { ...e.phase().contexts[location.sample] }, error, ...location,
  });
}

async function runAction(e: Engine, node: StepNode, samples: number[], batch: boolean): Promise<UnitOutcome> {
  const { action } = node;
  const label = `${action.instrument}.${action.action}`;
  const sample = samples[0];
  let args: JsonObject;
  try {
    args = callArgs(e, action, samples, batch);
  } catch (error) {
    if (!(error instanceof MissingValueError)) throw error;
    await e.fail(`Step ${node.start + 1} (${label}): ${error.message}`);
    return 'held';
  }
  const location = e.location(node, sample);
  const attempt = e.state.attempt;
  const keysBefore = batch ? Object.keys(e.phase().contexts[sample]) : null;
  e.state.inFlight = { kind: 'action', location, instrument: action.instrument, methodName: action.action, args, attempt };
  await e.emit({ type: 'step.started', instrument: action.instrument, methodName: action.action, args, attempt, ...location });
  await e.checkpointNow();
  let output: JsonValue = null;
  let error: string | null = null;
  const inFlight = e.state.inFlight;
  try {
    // The driver gets its own copy: one that sorts a list argument in place must not change a saved variable.
    const result = await e.invoker.invoke({
      instrument: action.instrument, action: action.action, args: cloneJson(args), location, attempt, batch, coroutine: action.coroutine === true,
    });
    output = sanitizeForJson(result);
    storeReturnValue(action, output, (name, value) => e.assign(sample, name, value), { sanitized: true });
  } catch (caught) {
    // The process running the driver died mid-call: as after an agent crash, the outcome is unknown.
    if (caught instanceof StepInterruptedError) {
      await reportInterrupted(e, inFlight as InFlight, caught.message);
      return 'held';
    }
    error = errorMessage(caught);
  }
  e.state.inFlight = null;
  await finishStep(e, node, location, args, attempt, error === null ? 'completed' : 'failed', output, error);
  if (error !== null) {
    await e.fail(`Step ${node.start + 1} (${label}) failed: ${error}`);
    return 'held';
  }
  copyNewKeys(e, samples, keysBefore);
  return 'done';
}

async function runWait(e: Engine, node: StepNode, samples: number[]): Promise<UnitOutcome> {
  const sample = samples[0];
  const resumed = e.state.inFlight?.kind === 'wait' ? e.state.inFlight : null;
  let inFlight = resumed;
  if (!inFlight) {
    const amount = evaluateAmount(e, node.action, sample, 'seconds');
    if (!amount.ok) {
      await e.fail(amount.error);
      return 'held';
    }
    const seconds = amount.value;
    const location = e.location(node, sample);
    inFlight = {
      kind: 'wait', location, instrument: 'wait', methodName: node.action.action, args: { statement: seconds },
      attempt: e.state.attempt, until: e.clock.now() + seconds * 1000,
    };
    e.state.inFlight = inFlight;
    await e.emit({ type: 'step.started', instrument: 'wait', methodName: node.action.action, args: inFlight.args, attempt: inFlight.attempt, ...location });
    await e.checkpointNow();
  }
  const until = inFlight.until ?? 0;
  const remaining = until - e.clock.now();
  if (remaining > 0 && !e.signal.aborted) await e.clock.sleep(remaining, e.signal);
  e.state.inFlight = null;
  // Only a stop cuts a wait short: a timer may fire a millisecond before the wall clock says `until`.
  const cut = e.signal.aborted && e.clock.now() < until;
  await finishStep(e, node, inFlight.location, inFlight.args, inFlight.attempt, cut ? 'skipped' : 'completed', null, cut ? 'Wait cut short by stop' : null);
  return 'done';
}

async function runMessage(e: Engine, node: StepNode, samples: number[]): Promise<UnitOutcome> {
  const sample = samples[0];
  const statement = statementOf(node.action);
  const text = substituteText(statement === undefined || statement === null ? '' : pyStr(statement), e.vars(sample), 'keep');
  const location = e.location(node, sample);
  const args = { statement: text };
  await e.emit({ type: 'step.started', instrument: node.action.instrument, methodName: node.action.action, args, attempt: e.state.attempt, ...location });
  if (node.kind === 'comment') await e.log('info', `Comment: ${text}`);
  await finishStep(e, node, location, args, e.state.attempt, 'completed', null, null);
  if (node.kind === 'pause') {
    // The step is recorded as completed; the run then waits, as IvoryOS's pause does (§6.5).
    await e.hold({ kind: 'pause', prompt: e.prompt('pause', text || 'Paused by the workflow') });
  }
  return 'done';
}

/** Python's `int()`/`float()`/`bool()`/`str()` of an evaluated value. */
function cast(value: JsonValue, type: string): JsonValue {
  switch (type) {
    case 'int':
    case 'float': {
      let n: JsonValue = value;
      if (typeof value === 'string') {
        const converted = convertValue(value, type);
        if (!converted.ok) throw new ExpressionEvalError(converted.error);
        n = converted.value;
      }
      if (typeof n === 'boolean') n = Number(n);
      if (typeof n !== 'number') throw new ExpressionEvalError(`${type}() argument must be a number, not '${pyTypeName(n)}'`);
      return type === 'int' ? Math.trunc(n) : n;
    }
    case 'bool':
      return truthy(value);
    case 'str':
      return pyStr(value);
    default:
      return value;
  }
}

function variableValue(e: Engine, action: WorkflowAction, sample: number): JsonValue {
  const type = declaredVariableType(action);
  const statement = statementOf(action) ?? null;
  const vars = e.vars(sample);
  if (typeof statement !== 'string') return statement === null ? null : cast(statement, type);
  if (action.instrument === 'variable') {
    if (type === 'str') return substituteText(statement, vars, 'throw');
    const literal = convertValue(statement, type);
    if (literal.ok) return literal.value;
  }
  return cast(evaluateExpression(e.program.expression(statement), vars), type);
}

async function runVariable(e: Engine, node: StepNode, sample: number): Promise<UnitOutcome> {
  const name = variableName(node.action);
  let value: JsonValue;
  try {
    value = variableValue(e, node.action, sample);
  } catch (error) {
    if (!isKnownError(error)) throw error;
    await e.fail(`Variable error (${name}): ${error.message}`);
    return 'held';
  }
  e.assign(sample, name, value);
  return 'done';
}

async function runInput(e: Engine, node: StepNode, sample: number): Promise<UnitOutcome> {
  const name = variableName(node.action);
  const type = declaredVariableType(node.action);
  const statement = statementOf(node.action);
  const text = substituteText(typeof statement === 'string' && statement ? statement : `Enter ${name}`, e.vars(sample), 'keep');
  const samples = e.phase().contexts.length;
  const message = samples > 1 ? `${text} (sample ${sample + 1} of ${samples})` : text;
  await e.hold({ kind: 'input', prompt: e.prompt('input', message, { inputType: type }), variable: name, type, sample });
  return 'held';
}

/** Runs one step for `samples` (one sample, or the whole batch for a `batch_action` step). */
export function runUnit(e: Engine, node: StepNode, samples: number[], batch: boolean): Promise<UnitOutcome> {
  switch (node.kind) {
    case 'action':
      return runAction(e, node, samples, batch);
    case 'wait':
      return runWait(e, node, samples);
    case 'pause':
    case 'comment':
      return runMessage(e, node, samples);
    case 'variable':
    case 'math_variable':
      return runVariable(e, node, samples[0]);
    case 'input':
      return runInput(e, node, samples[0]);
  }
}

/**
 * Finishes the step a checkpoint had in flight from the result the journal recorded, without calling
 * the driver or emitting its `step.finished` again.
 */
export async function completeFromJournal(e: Engine, inFlight: InFlight, result: JournaledResult): Promise<void> {
  e.state.inFlight = null;
  const phase = e.phase();
  const top = phase.stack[phase.stack.length - 1];
  const seq = top?.t === 'seq' ? top : null;
  const node = seq ? e.program.block(seq.block).nodes[seq.pc] : undefined;
  if (!seq || !node || node.kind !== 'action') throw new Error('the checkpoint has no instrument step in flight at its position');
  const label = `${node.action.instrument}.${node.action.action}`;
  if (result.status === 'failed') {
    await e.fail(`Step ${node.start + 1} (${label}) failed: ${result.error ?? 'unknown error'}`);
    return;
  }
  const sample = inFlight.location.sample;
  const batch = batchable(node);
  const samples = batch ? seq.samples : [sample];
  const keysBefore = Object.keys(phase.contexts[sample]);
  try {
    storeReturnValue(node.action, result.output, (name, value) => e.assign(sample, name, value), { sanitized: true });
  } catch (error) {
    await e.fail(`Step ${node.start + 1} (${label}) failed: ${errorMessage(error)}`);
    return;
  }
  if (batch) copyNewKeys(e, samples, keysBefore);
  await e.log('info', `Step ${node.start + 1} (${label}) completed before the restart; its result was taken from the journal`);
  skipHead(e);
}

/** On resume, a step the checkpoint had in flight: its outcome is unknown, so it is recorded and the operator decides. */
export async function reportInterrupted(e: Engine, inFlight: InFlight, cause?: string): Promise<void> {
  e.state.inFlight = null;
  const message = `${inFlight.instrument}.${inFlight.methodName} (step ${inFlight.location.stepIndex}) was running when the run ` +
    `was interrupted${cause ? ` (${cause})` : ''}; whether it completed is unknown. Retry runs it again, skip moves on.`;
  await e.emit({
    type: 'step.finished', instrument: inFlight.instrument, methodName: inFlight.methodName, args: inFlight.args,
    attempt: inFlight.attempt, status: 'interrupted', output: null, context: { ...(e.phase().contexts[inFlight.location.sample] ?? {}) },
    error: cause ? `interrupted: ${cause}; outcome unknown` : 'interrupted: outcome unknown', ...inFlight.location,
  });
  await e.hold({ kind: 'interrupted', prompt: e.prompt('interrupted', message) });
}
