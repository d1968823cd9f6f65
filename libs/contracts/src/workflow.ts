import type { JsonObject, JsonValue } from './json';
import type { ReturnFormat, TypeDescriptor } from './schema';

export const PHASE_KEYS = ['prep', 'script', 'cleanup'] as const;
/** Keys of `script_dict`. The `script` phase is recorded as phase `main`. */
export type PhaseKey = (typeof PHASE_KEYS)[number];

export const FLOW_INSTRUMENTS = [
  'if', 'while', 'repeat', 'wait', 'pause', 'comment', 'variable', 'math_variable', 'input', 'workflows',
] as const;
export type FlowInstrument = (typeof FLOW_INSTRUMENTS)[number];

/**
 * One entry of a phase list in the IvoryOS workflow JSON. Unknown keys are kept as they are,
 * so files from newer IvoryOS versions survive a round trip.
 */
export interface WorkflowAction {
  id: number;
  uuid: number | string;
  instrument: string;
  action: string;
  args: JsonObject | JsonValue;
  arg_types?: Record<string, TypeDescriptor>;
  return?: string | string[];
  disabled?: boolean;
  batch_action?: boolean;
  consolidate_batch_args?: string[] | boolean;
  coroutine?: boolean;
  arg_order?: string[];
  return_format?: ReturnFormat;
  has_kwargs?: boolean;
  /** Embedded copy of a registered workflow's script phase (`instrument: "workflows"`). */
  workflow?: WorkflowAction[];
  [extra: string]: unknown;
}

export type ScriptDict = Record<PhaseKey, WorkflowAction[]>;
export type IdOrder = Record<PhaseKey, string[]>;

export type WorkflowStatus = 'editing' | 'finalized';

/** The IvoryOS `Script` as stored and exported (`script.as_dict()`). */
export interface WorkflowDocument {
  name: string;
  deck: string | null;
  status: WorkflowStatus;
  script_dict: ScriptDict;
  id_order: IdOrder;
  editing_type?: PhaseKey;
  author: string;
  description?: string;
  registered?: boolean;
  return_values?: string[];
  uuid?: string | null;
  time_created?: string;
  last_modified?: string;
  python_script?: Record<string, string> | null;
  [extra: string]: unknown;
}
