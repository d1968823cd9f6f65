import type { JsonObject, JsonValue } from './json';
import type { ReturnFormat, TypeDescriptor } from './schema';

/**
 * The JSON-lines protocol between a deck agent and its Python bridge child
 * (`apps/deck-agent/python/ivoryos_bridge.py`). Requests go to the child's stdin; answers and events
 * come back on its stdout, one JSON object per line.
 */
export const PYTHON_BRIDGE_PROTOCOL = 1;

export type BridgeRequest =
  | { id: number; method: 'call'; instrument: string; action: string; kwargs: JsonObject }
  | { id: number; method: 'ping' | 'schema' }
  | { id: number; method: 'shutdown'; grace_s: number };

export interface BridgeError {
  /** The driver's exception class, or ArgumentError, NotFound, ProtocolError. */
  type: string;
  message: string;
  traceback: string;
}

export type BridgeAnswer =
  | { id: number; ok: true; output: JsonValue; duration_ms?: number }
  | { id: number; ok: false; error: BridgeError; duration_ms?: number };

export interface PythonInfo {
  version: string;
  executable: string;
  prefix: string;
  venv: boolean;
}

export type BridgeEvent =
  | { event: 'hello'; protocol: number; pid: number; python: PythonInfo; platform: string; cwd: string }
  | { event: 'ready'; load_ms: number; schema: PythonDeckSchema }
  | { event: 'load_error'; error: BridgeError }
  | { event: 'stdout' | 'stderr'; id: number | null; text: string }
  | { event: 'log'; id: number | null; logger: string; level: string; message: string; ts: number }
  | { event: 'protocol_error'; message: string }
  | { event: 'bye'; abandoned_call: boolean; atexit_finished: boolean };

/** Enum members or Literal values of a Python parameter. */
export type PythonChoices =
  | { kind: 'enum'; enum: string; names: string[]; values: JsonValue[] }
  | { kind: 'literal'; values: JsonValue[] };

export interface PythonParam {
  name: string;
  kind: string;
  /** IvoryOS's `arg_types` descriptor, byte for byte. */
  type: TypeDescriptor;
  required: boolean;
  default?: JsonValue;
  /** The member name of an Enum default (IvoryOS's forms show the name). */
  default_name?: string;
  choices?: PythonChoices;
}

export interface PythonMethod {
  kind: 'method';
  /** `inspect.signature` as text, `self` included: display only. */
  signature: string;
  params: PythonParam[];
  docstring: string | null;
  coroutine: boolean;
  has_args: boolean;
  has_kwargs: boolean;
  returns: ReturnFormat;
}

export interface PythonProperty {
  kind: 'property';
  signature: string | null;
  docstring: string | null;
  coroutine: false;
  is_property: true;
  has_setter: boolean;
  getter: { action: string; returns: ReturnFormat };
  setter?: { action: string; params: PythonParam[] };
}

export interface PythonInstrument {
  class: string;
  module: string | null;
  docstring: string | null;
  methods: Record<string, PythonMethod>;
  properties: Record<string, PythonProperty>;
  /** Members left out, with why. */
  skipped: Record<string, string>;
}

/** The bridge's view of a deck: IvoryOS's introspection fields, per instrument. */
export interface PythonDeckSchema {
  instruments: Record<string, PythonInstrument>;
  excluded: Record<string, string>;
  failed: Record<string, string>;
  deck: { file: string; module: string; entry: 'import' | 'main'; streamed_loggers: string[]; exclude_names: string[]; warnings: string[] };
}
