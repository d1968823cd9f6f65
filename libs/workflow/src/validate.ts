import type { DeckSchema, JsonValue, PhaseKey, RunMode, TypeDescriptor, WorkflowAction, WorkflowDocument } from '@ivoryos/contracts';
import { PHASE_KEYS } from '@ivoryos/contracts';
import { convertValue } from './convert';
import { compileExpression, ExpressionSyntaxError } from './expression';
import type { WorkflowIssue } from './model';
import { nameProblem } from './names';
import { classifyAction, parseWorkflow, phaseLists, stepIdOf } from './parse';
import { argumentReference, textReferences } from './references';
import {
  argsObject, declaredVariableType, isJsonObject, isVariableType, returnSlots, statementOf, variableName,
} from './step-fields';
import { checkActionAgainstSchema, findAction } from './validate-action';

/** A run parameter: a `#name` in the script phase that is not an earlier output or variable. */
export interface ParameterInfo {
  name: string;
  /** From the first typed use (`arg_types`, the schema, a math variable's type); `any` when never typed. */
  type: TypeDescriptor;
  firstUse: { phase: PhaseKey; stepId: number };
}

export interface ValidationResult {
  valid: boolean;
  errors: WorkflowIssue[];
  /** In order of first use. No parameters: repeat runs; parameters: a parameter table; plus outputs: an optimizer. */
  parameters: ParameterInfo[];
  /** Names the script phase saves (returns, tuple slots, inputs), in order of first appearance. */
  outputs: string[];
}

/**
 * How unknown `#names` are read: in the script phase they are run parameters, in prep and cleanup
 * errors, inside an embedded workflow that workflow's own parameters (bound by the call's args).
 */
type ScopeMode = 'run' | 'phase' | 'embedded';

interface Scope {
  mode: ScopeMode;
  phase: PhaseKey;
  /** Name -> order of the step that defined it. */
  defined: Map<string, number>;
  params: Map<string, ParameterInfo>;
  outputs: string[];
  bare: { name: string; order: number; stepId: number; field: string }[];
  locate(position: number, field: string): { stepId: number; field: string };
  order: number;
}

interface Walk {
  errors: WorkflowIssue[];
  schema: DeckSchema | undefined;
}

const isAny = (t: TypeDescriptor): boolean => t === '' || t === 'any';

/** Positions inside disabled blocks: a disabled opener switches off everything up to its closer. */
function disabledPositions(actions: readonly WorkflowAction[]): Set<number> {
  const off = new Set<number>();
  const closers: Record<string, string> = { if: 'endif', while: 'endwhile', repeat: 'endrepeat' };
  actions.forEach((action, i) => {
    const cls = classifyAction(action);
    if (typeof cls === 'object' || !action.disabled) return;
    off.add(i);
    const closer = closers[cls];
    if (!closer) return;
    const end = actions.findIndex((a, j) => j > i && isJsonObject(a) && a.uuid === action.uuid && a.action === closer && a.instrument === action.instrument);
    for (let j = i + 1; j <= end; j++) off.add(j);
  });
  return off;
}

function issue(walk: Walk, scope: Scope, position: number, field: string, message: string): void {
  walk.errors.push({ phase: scope.phase, ...scope.locate(position, field), message });
}

function define(scope: Scope, name: string): void {
  if (!scope.defined.has(name)) scope.defined.set(name, scope.order);
}

function addOutput(scope: Scope, name: string): void {
  if (scope.mode !== 'phase' && !scope.outputs.includes(name)) scope.outputs.push(name);
}

/** A `#name` (hash) or a bare name read by a step. */
function use(walk: Walk, scope: Scope, position: number, field: string, name: string, hash: boolean, type: TypeDescriptor): void {
  const problem = nameProblem(name);
  if (problem) return issue(walk, scope, position, field, problem);
  if (scope.defined.has(name)) return;
  if (!hash) {
    scope.bare.push({ name, order: scope.order, ...scope.locate(position, field) });
    return;
  }
  if (scope.mode === 'phase') {
    return issue(walk, scope, position, field,
      `'#${name}' is not an output or variable defined earlier in ${scope.phase}; run parameters are not supported in prep/cleanup`);
  }
  const known = scope.params.get(name);
  if (!known) scope.params.set(name, { name, type, firstUse: { phase: scope.phase, stepId: scope.locate(position, field).stepId } });
  else if (isAny(known.type) && !isAny(type)) known.type = type;
}

function useText(walk: Walk, scope: Scope, position: number, field: string, value: JsonValue | undefined): void {
  if (typeof value !== 'string') return;
  const ref = argumentReference(value);
  if (ref?.kind === 'exact') use(walk, scope, position, field, ref.name, true, 'any');
  else for (const name of textReferences(value)) use(walk, scope, position, field, name, true, 'any');
}

function useExpression(walk: Walk, scope: Scope, position: number, field: string, source: string, type: TypeDescriptor): void {
  try {
    const compiled = compileExpression(source);
    for (const ref of compiled.names) use(walk, scope, position, field, ref.name, ref.hash, type);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    issue(walk, scope, position, field, `Invalid expression '${source}': ${error.message}`);
  }
}

function checkCondition(walk: Walk, scope: Scope, position: number, action: WorkflowAction): void {
  const statement = statementOf(action);
  if (typeof statement === 'boolean') return;
  if (typeof statement !== 'string') {
    return issue(walk, scope, position, 'args.statement', `The ${action.instrument} condition must be an expression or a boolean`);
  }
  useExpression(walk, scope, position, 'args.statement', statement, 'any');
  const max = argsObject(action)?.max_iterations;
  if (action.instrument === 'while' && max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max > 0)) {
    issue(walk, scope, position, 'args.max_iterations', 'max_iterations must be a positive integer');
  }
}

/** `repeat` counts and `wait` seconds: a number, or an expression giving one. */
function checkAmount(walk: Walk, scope: Scope, position: number, action: WorkflowAction, kind: 'int' | 'float'): void {
  const statement = statementOf(action);
  if (typeof statement === 'number') {
    if (statement < 0 || (kind === 'int' && !Number.isInteger(statement))) {
      issue(walk, scope, position, 'args.statement', `${action.instrument} needs a non-negative ${kind === 'int' ? 'integer' : 'number'}`);
    }
    return;
  }
  if (typeof statement !== 'string') {
    return issue(walk, scope, position, 'args.statement', `${action.instrument} needs a number or an expression`);
  }
  useExpression(walk, scope, position, 'args.statement', statement, kind);
}

function checkVariable(walk: Walk, scope: Scope, position: number, action: WorkflowAction, cls: 'variable' | 'math_variable' | 'input'): void {
  const name = variableName(action);
  const problem = nameProblem(name);
  if (problem) issue(walk, scope, position, 'action', problem);
  const type = declaredVariableType(action);
  if (!isVariableType(type)) issue(walk, scope, position, 'arg_types.statement', `Unsupported ${cls} type '${type}' (int, float, str or bool)`);
  const statement = statementOf(action);
  if (cls === 'input') {
    useText(walk, scope, position, 'args.statement', statement);
  } else if (cls === 'math_variable') {
    if (typeof statement === 'string') useExpression(walk, scope, position, 'args.statement', statement, type);
    else if (typeof statement !== 'number') issue(walk, scope, position, 'args.statement', 'A math variable needs an expression');
  } else if (typeof statement === 'string') {
    if (type === 'str' || !isVariableType(type)) useText(walk, scope, position, 'args.statement', statement);
    else if (!convertValue(statement, type).ok) useExpression(walk, scope, position, 'args.statement', statement, type);
  } else if (isVariableType(type) && statement !== undefined) {
    const converted = convertValue(statement ?? null, type);
    if (!converted.ok) issue(walk, scope, position, 'args.statement', `Variable '${name}': ${converted.error}`);
  }
  if (!problem) {
    define(scope, name);
    if (cls === 'input') addOutput(scope, name);
  }
}

function checkInstrumentAction(walk: Walk, scope: Scope, position: number, action: WorkflowAction): void {
  const args = argsObject(action);
  if (action.args !== undefined && action.args !== null && !args) {
    issue(walk, scope, position, 'args', 'Arguments must be an object of name: value');
  }
  const method = walk.schema ? findAction(walk.schema, action.instrument, action.action) : undefined;
  for (const [key, value] of Object.entries(args ?? {})) {
    const ref = argumentReference(value);
    if (!ref) continue;
    const type = method?.params.find((p) => p.name === key)?.type ?? action.arg_types?.[key] ?? 'any';
    if (ref.kind === 'text') for (const name of ref.names) use(walk, scope, position, `args.${key}`, name, true, 'any');
    else use(walk, scope, position, `args.${key}`, ref.name, ref.kind === 'exact', type);
  }
  for (const problem of checkActionAgainstSchema(action, walk.schema, args ?? {})) {
    issue(walk, scope, position, problem.field, problem.message);
  }
  defineReturns(walk, scope, position, action);
}

function defineReturns(walk: Walk, scope: Scope, position: number, action: WorkflowAction): void {
  for (const name of returnSlots(action).slots) {
    if (!name) continue;
    const problem = nameProblem(name);
    if (problem) {
      issue(walk, scope, position, 'return', problem);
      continue;
    }
    define(scope, name);
    addOutput(scope, name);
  }
}

function checkEmbedded(walk: Walk, scope: Scope, position: number, action: WorkflowAction): void {
  const args = argsObject(action) ?? {};
  if (!Array.isArray(action.workflow) || action.workflow.length === 0) {
    issue(walk, scope, position, 'workflow', `The embedded workflow '${action.action}' has no steps; add it again from the library`);
  }
  for (const [key, value] of Object.entries(args)) {
    const ref = argumentReference(value);
    if (ref?.kind === 'text') for (const name of ref.names) use(walk, scope, position, `args.${key}`, name, true, 'any');
    else if (ref) use(walk, scope, position, `args.${key}`, ref.name, ref.kind === 'exact', 'any');
  }
  const stepId = scope.locate(position, '').stepId;
  const prefix = scope.locate(position, 'workflow').field;
  const inner: Scope = {
    mode: 'embedded', phase: scope.phase, defined: new Map(), params: new Map(), outputs: [], bare: [], order: 0,
    locate: (innerPos, field) => ({ stepId, field: `${prefix}[${innerPos}].${field}` }),
  };
  walkActions(walk, inner, Array.isArray(action.workflow) ? action.workflow : []);
  for (const name of inner.params.keys()) {
    if (!Object.hasOwn(args, name)) issue(walk, scope, position, `args.${name}`, `Missing argument '${name}' for workflow '${action.action}'`);
  }
  for (const key of Object.keys(args)) {
    if (!inner.params.has(key)) issue(walk, scope, position, `args.${key}`, `Workflow '${action.action}' has no parameter '${key}'`);
  }
  if (returnSlots(action).tuple) issue(walk, scope, position, 'return', 'A workflow call saves its outputs under one name, not a list');
  // The runtime writes the embedded workflow's outputs into the caller's context as well.
  for (const name of inner.outputs) {
    define(scope, name);
    addOutput(scope, name);
  }
  defineReturns(walk, scope, position, action);
}

function walkActions(walk: Walk, scope: Scope, actions: readonly WorkflowAction[]): void {
  const off = disabledPositions(actions);
  actions.forEach((action, position) => {
    scope.order += 1;
    if (off.has(position)) return;
    const cls = classifyAction(action);
    if (typeof cls === 'object') return; // reported as a structural error
    switch (cls) {
      case 'if':
        return checkCondition(walk, scope, position, action);
      case 'while':
        checkCondition(walk, scope, position, action);
        return define(scope, 'while_index');
      case 'repeat':
        return checkAmount(walk, scope, position, action, 'int');
      case 'wait':
        return checkAmount(walk, scope, position, action, 'float');
      case 'pause':
      case 'comment':
        return useText(walk, scope, position, 'args.statement', statementOf(action));
      case 'variable':
      case 'math_variable':
      case 'input':
        return checkVariable(walk, scope, position, action, cls);
      case 'workflow':
        return checkEmbedded(walk, scope, position, action);
      case 'action':
        return checkInstrumentAction(walk, scope, position, action);
      default:
        return; // else / end markers carry nothing to check
    }
  });
  for (const ref of scope.bare) {
    const definedAt = scope.defined.get(ref.name);
    if (scope.params.has(ref.name) || (definedAt !== undefined && definedAt < ref.order)) continue;
    const known = scope.mode === 'phase' ? 'an output or variable defined earlier in this phase' : 'a parameter, an output or a variable defined earlier';
    walk.errors.push({ phase: scope.phase, stepId: ref.stepId, field: ref.field, message: `Name '${ref.name}' is not ${known}` });
  }
}

/**
 * Checks a workflow before it is queued: structure, expressions and references always, and with a deck
 * schema also instruments, methods, arguments, literal types and return slots. Reports every problem;
 * schema checks still run over the flat lists when nesting fails.
 */
export function validateWorkflow(doc: Pick<WorkflowDocument, 'script_dict'>, schema?: DeckSchema): ValidationResult {
  const walk: Walk = { errors: [...parseWorkflow(doc).errors], schema };
  const { lists } = phaseLists(doc);
  const params = new Map<string, ParameterInfo>();
  const outputs: string[] = [];
  for (const phase of PHASE_KEYS) {
    const actions = lists[phase];
    const scope: Scope = {
      mode: phase === 'script' ? 'run' : 'phase', phase, defined: new Map(), params: phase === 'script' ? params : new Map(),
      outputs: phase === 'script' ? outputs : [], bare: [], order: 0,
      locate: (position, field) => ({ stepId: stepIdOf(actions[position], position), field }),
    };
    walkActions(walk, scope, actions);
  }
  // Stable sort: by phase, then step, keeping each step's problems in the order they were found.
  const errors = walk.errors
    .map((error, i) => ({ error, i }))
    .sort((a, b) => PHASE_KEYS.indexOf(a.error.phase) - PHASE_KEYS.indexOf(b.error.phase)
      || (a.error.stepId ?? 0) - (b.error.stepId ?? 0) || a.i - b.i)
    .map(({ error }) => error);
  return { valid: errors.length === 0, errors, parameters: [...params.values()], outputs };
}

/**
 * The run modes a workflow offers (IvoryOS §6.1): repeat without parameters; a parameter table with
 * them; an optimizer campaign as well when the script phase also saves outputs.
 */
export function offeredRunModes(result: Pick<ValidationResult, 'parameters' | 'outputs'>): RunMode[] {
  if (!result.parameters.length) return ['repeat'];
  return result.outputs.length ? ['parameters', 'optimizer'] : ['parameters'];
}
