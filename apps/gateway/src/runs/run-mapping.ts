import type { JsonObject, JsonValue, PhaseName, StepStatus } from '@ivoryos/contracts';
import type { WorkflowRun } from '@ivoryos/db';
import type { PhaseResponse, RunResponse, RunSummaryResponse, StepResponse } from './dto/run-response.dto';

/** A step row as read for answers (raw query, property names). */
export interface StepRow {
  id: string;
  phase: string;
  stepIndex: number;
  sample: number;
  instrument: string;
  methodName: string;
  args: JsonObject;
  output: JsonValue | null;
  context: JsonObject | null;
  status: StepStatus;
  error: string | null;
  attempt: number;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface PhaseRow {
  id: string;
  name: PhaseName;
  repeatIndex: number;
  parameters: JsonObject[] | null;
  meta: JsonObject[] | null;
  outputs: JsonObject[] | null;
  startedAt: Date | null;
  endedAt: Date | null;
}

export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The columns a summary needs; lists load runs without their snapshot and checkpoint. */
export type RunSummarySource = Omit<WorkflowRun, 'workflowSnapshot' | 'checkpoint' | 'parameters' | 'optimizer'>;

export function toRunSummary(run: RunSummarySource, deckOnline: boolean): RunSummaryResponse {
  return {
    id: run.id,
    number: run.number,
    name: run.name,
    deck: run.deck,
    deckOnline,
    status: run.status,
    mode: run.mode,
    workflow: run.workflowName,
    ...(run.waiting ? { waiting: run.waiting } : {}),
    ...(run.error ? { error: run.error } : {}),
    startedBy: run.startedBy,
    externalId: run.externalId,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
  };
}

export function toStepResponse(s: StepRow, phase: Pick<PhaseRow, 'name' | 'repeatIndex'>): StepResponse {
  return {
    id: String(s.id),
    phase: phase.name,
    repeatIndex: phase.repeatIndex,
    stepIndex: s.stepIndex,
    sample: s.sample,
    instrument: s.instrument,
    methodName: s.methodName,
    args: s.args,
    output: s.output,
    context: s.context,
    status: s.status,
    error: s.error,
    attempt: s.attempt,
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
  };
}

/** The run with its phases in execution order, each with its steps (one row per attempt). */
export function toRunResponse(run: RunSummarySource, deckOnline: boolean, phases: PhaseRow[], steps: StepRow[]): RunResponse {
  const byPhase = new Map<string, StepResponse[]>();
  const phaseById = new Map(phases.map((p) => [String(p.id), p]));
  for (const s of steps) {
    const phase = phaseById.get(String(s.phase));
    if (!phase) continue;
    const list = byPhase.get(String(s.phase)) ?? [];
    list.push(toStepResponse(s, phase));
    byPhase.set(String(s.phase), list);
  }
  const phaseResponses: PhaseResponse[] = phases.map((p) => ({
    name: p.name,
    repeatIndex: p.repeatIndex,
    parameters: p.parameters,
    outputs: p.outputs,
    startedAt: iso(p.startedAt),
    endedAt: iso(p.endedAt),
    steps: byPhase.get(String(p.id)) ?? [],
  }));
  return {
    ...toRunSummary(run, deckOnline),
    repeat: run.repeat,
    batchSize: run.batchSize,
    onError: run.onError,
    metadata: run.metadata,
    phases: phaseResponses,
  };
}
