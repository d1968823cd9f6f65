import type { ActionSchema, DeckSchema, JsonObject, JsonValue, ParamSchema, RunMode, TypeDescriptor } from '@ivoryos/contracts';
import { pyRepr } from '@ivoryos/workflow';
import type { PhaseRow, StepRow } from '../runs/run-mapping';
import { resultsFileName } from '../runs/records/run-log-format';

/**
 * Our records in the shapes IvoryOS 1.6.11's JSON routes answer with (Flask `jsonify`: keys
 * sorted, dates as RFC 1123 with `GMT`). Pure functions; the fixtures recorded from IvoryOS
 * itself (compat/fixtures) are what they are checked against.
 */

/** `Sat, 28 Nov 2026 18:52:06 GMT`, as Flask writes datetimes (IvoryOS's are naive UTC here). */
export function gmt(d: Date | string | null | undefined): string | null {
  return d ? new Date(d).toUTCString() : null;
}

/** Flask's jsonify sorts keys; clients printing answers see them in that order. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const src = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(src).sort().map((k) => [k, sortKeys(src[k])])) as T;
  }
  return value;
}

/** Python's text of a type descriptor, as `inspect.Signature` prints it; undefined for "any". */
export function pyAnnotation(type: TypeDescriptor, choices?: ParamSchema['choices']): string | undefined {
  if (Array.isArray(type)) {
    const parts = type.filter((t) => t !== 'NoneType').map((t) => pyAnnotation(t, choices) ?? 'Any');
    const inner = parts.length === 1 ? parts[0] : `Union[${parts.join(', ')}]`;
    return type.includes('NoneType') ? `Optional[${inner}]` : inner;
  }
  if (type === '' || type === 'any') return undefined;
  if (type.startsWith('Enum:')) return type.slice(5).split('.').pop();
  if (type.startsWith('Literal:')) {
    const values = choices?.map((c) => pyRepr(c.value)) ?? type.slice(8).split(',').map((v) => pyRepr(v));
    return `Literal[${values.join(', ')}]`;
  }
  return type;
}

/** `(self, param_1: int, amount: float = 5, name='x')`, as IvoryOS shows `str(inspect.signature)`. */
export function pySignature(action: ActionSchema): string {
  const params = action.params.map((p) => {
    const annotation = pyAnnotation(p.type, p.choices);
    const def = p.default === undefined ? '' : annotation ? ` = ${pyRepr(p.default)}` : `=${pyRepr(p.default)}`;
    return `${p.name}${annotation ? `: ${annotation}` : ''}${def}`;
  });
  return `(${['self', ...params].join(', ')})`;
}

type SnapshotEntry = Record<string, JsonValue>;

/**
 * `GET /ivoryos/instruments`: per instrument, per action `{ signature, docstring, coroutine,
 * has_args, has_kwargs }`; a getter is `{ is_property, has_setter, … }` and its setter is not
 * listed on its own, as IvoryOS lists properties.
 */
export function toSnapshot(schema: DeckSchema): Record<string, Record<string, SnapshotEntry>> {
  const out: Record<string, Record<string, SnapshotEntry>> = {};
  for (const [name, inst] of Object.entries(schema.instruments)) {
    const actions: Record<string, SnapshotEntry> = {};
    for (const [actionName, a] of Object.entries(inst.actions)) {
      if (a.kind === 'setter') continue;
      const base = { coroutine: a.async, docstring: a.doc ?? null, signature: pySignature(a) };
      actions[actionName] = a.kind === 'getter'
        ? { ...base, signature: '(self)', is_property: true, has_setter: `${actionName}_(setter)` in inst.actions }
        : { ...base, has_args: false, has_kwargs: false };
    }
    out[name] = actions;
  }
  return sortKeys(out);
}

/** The run columns IvoryOS's answers need. */
export interface RunInfoSource {
  number: number;
  name: string;
  deck: string;
  mode: RunMode;
  status: string;
  parameters?: unknown;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** IvoryOS's `repeat_mode`: `batch` for a parameter table, `repeat` otherwise (its campaigns record `repeat` too). */
export function repeatMode(mode: RunMode): string {
  return mode === 'parameters' ? 'batch' : mode === 'optimizer' ? 'optimizer' : 'repeat';
}

/** `WorkflowRun.as_dict()`: `{ data_path, end_time, id, name, platform, repeat_mode, start_time }`. */
export function toWorkflowInfo(run: RunInfoSource): JsonObject {
  const started = run.startedAt ?? null;
  return sortKeys({
    data_path: started ? resultsFileName(run.name, started) : null,
    end_time: gmt(run.endedAt),
    id: run.number,
    name: run.name,
    platform: run.deck,
    repeat_mode: repeatMode(run.mode),
    start_time: gmt(started ?? run.createdAt),
  });
}

/** `WorkflowStep.as_dict()`: the step's bare method name and, as output, the sample's context after it. */
export function toIvoryosStep(s: StepRow, phaseId: string | number): JsonObject {
  return sortKeys({
    end_time: gmt(s.endedAt),
    id: Number(s.id),
    method_name: s.methodName,
    output: s.context ?? {},
    phase_id: Number(phaseId),
    run_error: s.status === 'failed' || s.status === 'interrupted',
    start_time: gmt(s.startedAt),
    step_index: s.stepIndex,
  });
}

/** `WorkflowPhase.as_dict()` plus its steps. */
export function toIvoryosPhase(p: PhaseRow, runNumber: number, steps: StepRow[]): JsonObject {
  return sortKeys({
    end_time: gmt(p.endedAt),
    id: Number(p.id),
    name: p.name,
    outputs: (p.outputs ?? [{}]) as JsonValue,
    parameters: (p.parameters ?? null) as JsonValue,
    repeat_index: p.repeatIndex,
    run_id: runNumber,
    start_time: gmt(p.startedAt),
    steps: steps.map((s) => toIvoryosStep(s, p.id)),
  });
}

/**
 * `GET /executions/records/<id>`: prep and cleanup as lists, the main phases keyed by iteration
 * (`"1"`, `"2"`, …), each a list of that iteration's phases.
 */
export function toRecordDetail(run: RunInfoSource, phases: PhaseRow[], steps: StepRow[]): JsonObject {
  const byPhase = new Map<string, StepRow[]>();
  for (const s of steps) byPhase.set(String(s.phase), [...(byPhase.get(String(s.phase)) ?? []), s]);
  const prep: JsonObject[] = [];
  const cleanup: JsonObject[] = [];
  const script: Record<string, JsonObject[]> = {};
  for (const p of phases) {
    const phase = toIvoryosPhase(p, run.number, byPhase.get(String(p.id)) ?? []);
    if (p.name === 'prep') prep.push(phase);
    else if (p.name === 'cleanup') cleanup.push(phase);
    else (script[String(p.repeatIndex)] ??= []).push(phase);
  }
  const info = toWorkflowInfo(run);
  return sortKeys({ csv_file_name: info.data_path ?? 'None', phases: { cleanup, prep, script }, workflow_info: info });
}

/** The single-step columns a task answer needs. */
export interface TaskSource {
  number: number;
  instrument: string;
  methodName: string;
  kwargs: JsonObject;
  output: JsonValue | null;
  status: string;
  error: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
}

/** `SingleStep.as_dict()`: a direct call, its method named `deck.sdl.analyze`, `run_error` the error text. */
export function toIvoryosTask(s: TaskSource): JsonObject {
  return sortKeys({
    end_time: gmt(s.endedAt),
    id: s.number,
    kwargs: s.kwargs,
    method_name: `${s.instrument}.${s.methodName}`,
    output: s.output,
    run_error: s.status === 'failed' ? s.error : null,
    start_time: gmt(s.startedAt ?? s.createdAt),
  });
}
