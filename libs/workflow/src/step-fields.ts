import type { JsonObject, JsonValue, WorkflowAction } from '@ivoryos/contracts';

/** Fields of a workflow action as the engine reads them, with IvoryOS's defaults. */

export const VARIABLE_TYPES = ['int', 'float', 'str', 'bool'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** IvoryOS reads `args.max_iterations` of a `while` (default 1000) but never enforces it; we do. */
export const DEFAULT_MAX_ITERATIONS = 1000;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The action's args when they are an object (legacy files may hold a bare value). */
export function argsObject(action: WorkflowAction): JsonObject | null {
  return isJsonObject(action.args) ? action.args : null;
}

/** `args.statement` of a flow-control step, `undefined` when absent. */
export function statementOf(action: WorkflowAction): JsonValue | undefined {
  const args = argsObject(action);
  return args && Object.hasOwn(args, 'statement') ? args.statement : undefined;
}

/** The declared type of a `variable`, `math_variable` or `input` (`arg_types.statement`). */
export function declaredVariableType(action: WorkflowAction): string {
  const declared = action.arg_types?.statement;
  const text = typeof declared === 'string' ? declared : '';
  if (text) return text;
  return action.instrument === 'math_variable' ? 'float' : 'str';
}

export function isVariableType(type: string): type is VariableType {
  return (VARIABLE_TYPES as readonly string[]).includes(type);
}

/** Names a step saves its result under: a scalar name, or one slot per tuple item (`""` = not saved). */
export interface ReturnSlots {
  tuple: boolean;
  /** For tuples, one entry per slot; for scalars, zero or one entry. */
  slots: string[];
}

export function returnSlots(action: WorkflowAction): ReturnSlots {
  const ret = action.return;
  if (Array.isArray(ret)) return { tuple: true, slots: ret.map((r) => (typeof r === 'string' ? r.trim() : '')) };
  return { tuple: false, slots: typeof ret === 'string' && ret.trim() ? [ret.trim()] : [] };
}

/** The variable an `input`, `variable` or `math_variable` step sets: its `action` (IvoryOS also mirrors it in `return`). */
export function variableName(action: WorkflowAction): string {
  return action.action;
}

export function isBatchAction(action: WorkflowAction): boolean {
  return action.batch_action === true;
}

export function maxIterationsOf(action: WorkflowAction): number {
  const value = argsObject(action)?.max_iterations;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_ITERATIONS;
}

/** Arguments aggregated over a batch's samples (`consolidate_batch_args`; legacy `true` = every `list` arg). */
export function consolidatedArgs(action: WorkflowAction): string[] {
  const spec = action.consolidate_batch_args;
  if (Array.isArray(spec)) return spec.filter((s): s is string => typeof s === 'string');
  if (spec === true) {
    return Object.entries(action.arg_types ?? {}).filter(([, t]) => t === 'list').map(([name]) => name);
  }
  return [];
}
