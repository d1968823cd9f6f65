import type { JsonObject } from '@ivoryos/contracts';
import type { Block, IfNode, RepeatNode, WhileNode, WorkflowCallNode } from '../model';
import { setOwn } from '../names';
import { truthy } from '../python-values';
import { MissingValueError, substituteArgs } from '../references';
import { storeReturnValue } from '../returns';
import { argsObject, maxIterationsOf, returnSlots, statementOf, variableName } from '../step-fields';
import type { Engine } from './engine';
import type { CallFrame, Frame, IfFrame, RepeatFrame, SeqFrame, WhileFrame } from './state';
import { batchable, copyNewKeys, evaluateAmount, evaluateFor, runUnit, type Evaluated } from './units';

function push(e: Engine, frame: Frame): void {
  e.phase().stack.push(frame);
}

function pop(e: Engine): void {
  e.phase().stack.pop();
}

function seq(block: Block, samples: number[]): SeqFrame {
  return { t: 'seq', block: block.id, pc: 0, sub: 0, samples };
}

/** Moves a sequence past its current step (for one sample, or wholly). */
function advanceSeq(e: Engine, f: SeqFrame, whole: boolean): void {
  e.state.attempt = 1;
  if (!whole && f.sub + 1 < f.samples.length) {
    f.sub += 1;
    return;
  }
  f.pc += 1;
  f.sub = 0;
}

function condition(e: Engine, node: IfNode | WhileNode, sample: number): Evaluated<boolean> {
  const statement = statementOf(node.action);
  if (typeof statement === 'boolean') return { ok: true, value: statement };
  if (typeof statement !== 'string') {
    return { ok: false, error: `The ${node.kind} condition must be an expression or a boolean, got ${JSON.stringify(statement ?? null)}` };
  }
  const result = evaluateFor(e, statement, sample, 'condition');
  return result.ok ? { ok: true, value: truthy(result.value) } : result;
}

// Frame steps return a promise only when they do asynchronous work (a call, an event, a prompt), so the
// many purely positional steps of a loop do not each cost a promise.

function stepSeq(e: Engine, f: SeqFrame): Promise<void> | void {
  const block = e.program.block(f.block);
  const at = f.pc;
  const node = block.nodes[at];
  if (!node || f.samples.length === 0) return pop(e);
  if (node.disabled) {
    advanceSeq(e, f, true);
    return e.log('info', `Skipping disabled step: ${node.action.action}`);
  }
  const base = { block: f.block, at };
  switch (node.kind) {
    case 'if':
      advanceSeq(e, f, true);
      return push(e, { t: 'if', ...base, samples: f.samples, next: 0 });
    case 'repeat':
      advanceSeq(e, f, true);
      return push(e, { t: 'repeat', ...base, samples: f.samples, next: 0, times: null, done: 0 });
    case 'while':
      advanceSeq(e, f, true);
      return push(e, { t: 'while', ...base, active: [...f.samples], cursor: 0, passing: [], pass: 0, limit: maxIterationsOf(node.action) });
    case 'workflow':
      advanceSeq(e, f, true);
      return push(e, { t: 'call', ...base, samples: f.samples, next: 0, scope: null, keysBefore: null });
    default: {
      const batch = batchable(node);
      const samples = batch ? f.samples : [f.samples[f.sub]];
      return runUnit(e, node, samples, batch).then((outcome) => {
        if (outcome === 'done') advanceSeq(e, f, batch);
      });
    }
  }
}

function stepIf(e: Engine, f: IfFrame): Promise<void> | void {
  if (f.next >= f.samples.length) return pop(e);
  const node = e.program.node(f.block, f.at) as IfNode;
  const sample = f.samples[f.next];
  const result = condition(e, node, sample);
  if (!result.ok) return e.fail(result.error);
  f.next += 1;
  e.state.attempt = 1;
  push(e, seq(result.value ? node.then : node.otherwise, [sample]));
}

function stepRepeat(e: Engine, f: RepeatFrame): Promise<void> | void {
  if (f.next >= f.samples.length) return pop(e);
  const node = e.program.node(f.block, f.at) as RepeatNode;
  const sample = f.samples[f.next];
  if (f.times === null) {
    const times = evaluateAmount(e, node.action, sample, 'count');
    if (!times.ok) return e.fail(times.error);
    f.times = times.value;
    f.done = 0;
    e.state.attempt = 1;
  }
  if (f.done < f.times) {
    f.done += 1;
    return push(e, seq(node.body, [sample]));
  }
  f.next += 1;
  f.times = null;
  f.done = 0;
}

function stepWhile(e: Engine, f: WhileFrame): Promise<void> | void {
  const node = e.program.node(f.block, f.at) as WhileNode;
  if (f.cursor < f.active.length) {
    const sample = f.active[f.cursor];
    const result = condition(e, node, sample);
    if (!result.ok) return e.fail(result.error);
    if (result.value) f.passing.push(sample);
    f.cursor += 1;
    e.state.attempt = 1;
    return;
  }
  if (f.passing.length === 0) return pop(e);
  if (f.pass >= f.limit) {
    const max = maxIterationsOf(node.action);
    return e.fail(
      `while '${String(statementOf(node.action))}' reached max_iterations (${max}) after ${f.pass} passes; ` +
      `retry allows ${max} more, skip leaves the loop`,
      { maxIterations: true },
    );
  }
  for (const sample of f.passing) e.assign(sample, 'while_index', f.pass);
  f.active = f.passing;
  f.passing = [];
  f.cursor = 0;
  f.pass += 1;
  push(e, seq(node.body, [...f.active]));
}

/** Names an embedded workflow saves, which make up its result when the call itself has a `return`. */
function outputsOf(block: Block, out: string[] = []): string[] {
  for (const node of block.nodes) {
    if (node.disabled) continue;
    if (node.kind === 'input') out.push(variableName(node.action));
    if (node.kind === 'action' || node.kind === 'workflow') out.push(...returnSlots(node.action).slots.filter(Boolean));
    if (node.kind === 'if') outputsOf(node.otherwise, outputsOf(node.then, out));
    if (node.kind === 'while' || node.kind === 'repeat' || node.kind === 'workflow') outputsOf(node.body, out);
  }
  return out;
}

async function stepCall(e: Engine, f: CallFrame): Promise<void> {
  const node = e.program.node(f.block, f.at) as WorkflowCallNode;
  const batch = node.action.batch_action === true;
  const calls = batch ? Math.min(1, f.samples.length) : f.samples.length;
  if (f.scope === null) {
    if (f.next >= calls) return pop(e);
    const sample = f.samples[f.next];
    let scope: JsonObject;
    try {
      scope = substituteArgs(argsObject(node.action) ?? {}, e.vars(sample));
    } catch (error) {
      if (!(error instanceof MissingValueError)) throw error;
      await e.fail(`Workflow '${node.action.action}': ${error.message}`);
      return;
    }
    f.keysBefore = batch ? Object.keys(e.phase().contexts[sample]) : null;
    await e.log('info', `Entering workflow: ${node.action.action} with args: ${JSON.stringify(scope)}`);
    f.scope = scope;
    return push(e, seq(node.body, [sample]));
  }
  // The body has finished for samples[next].
  const sample = f.samples[f.next];
  const scope = f.scope;
  const slots = returnSlots(node.action);
  f.scope = null;
  // A call's `return` saves the workflow's outputs as one dict, as the rendered `name = workflow(...)` does.
  if (!slots.tuple && slots.slots.length) {
    const result: JsonObject = {};
    for (const name of outputsOf(node.body)) if (Object.hasOwn(scope, name)) setOwn(result, name, scope[name]);
    storeReturnValue(node.action, result, (name, value) => e.assign(sample, name, value));
  }
  if (batch) copyNewKeys(e, f.samples, f.keysBefore);
  f.keysBefore = null;
  f.next = batch ? f.samples.length : f.next + 1;
  e.state.attempt = 1;
}

export function stepFrame(e: Engine, frame: Frame): Promise<void> | void {
  switch (frame.t) {
    case 'seq': return stepSeq(e, frame);
    case 'if': return stepIf(e, frame);
    case 'repeat': return stepRepeat(e, frame);
    case 'while': return stepWhile(e, frame);
    case 'call': return stepCall(e, frame);
  }
}

/**
 * Moves past the step at the head of the stack without running it (skip after an error, or an answered
 * input). For a while loop that hit its limit, skipping leaves the loop.
 */
export function skipHead(e: Engine, leaveLoop = false): void {
  const stack = e.phase().stack;
  const top = stack[stack.length - 1];
  if (!top) return;
  e.state.attempt = 1;
  switch (top.t) {
    case 'seq': {
      const node = e.program.block(top.block).nodes[top.pc];
      return advanceSeq(e, top, node ? batchable(node) : true);
    }
    case 'if':
      top.next += 1;
      return;
    case 'repeat':
      top.next += 1;
      top.times = null;
      top.done = 0;
      return;
    case 'while':
      if (leaveLoop) stack.pop();
      else top.cursor += 1;
      return;
    case 'call':
      top.next += 1;
      top.scope = null;
  }
}

/** After a retry of a while loop's max-iterations error: allow another `max_iterations` passes. */
export function extendLoop(e: Engine): void {
  const stack = e.phase().stack;
  const top = stack[stack.length - 1];
  if (top?.t === 'while') top.limit += maxIterationsOf(e.program.node(top.block, top.at).action);
}
