import { ERROR_POLICIES, PHASE_KEYS, RUN_MODES, traceContextSchema, type TraceContext, type JsonValue, type OptimizerJob, type RunJob } from '@ivoryos/contracts';
import { checkConfig } from '@ivoryos/optimizer';

export type RunJobCheck = { ok: true; job: RunJob } | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * Re-validates a `run.accept` payload on receipt (the gateway is another process, maybe another
 * version). Only the shape is checked here; the workflow's structure and the checkpoint are checked
 * by the interpreter, and a run it refuses is reported as failed, so the gateway frees the deck.
 */
export function parseRunJob(data: unknown, expect: { deck: string; jobId: string | undefined }): RunJobCheck {
  if (!isObject(data)) return { ok: false, errors: ['payload: must be an object'] };
  const errors: string[] = [];
  for (const key of ['runId', 'deck']) if (typeof data[key] !== 'string' || !data[key]) errors.push(`${key}: must be a non-empty string`);
  for (const key of ['name', 'submittedBy']) if (typeof data[key] !== 'string') errors.push(`${key}: must be a string`);
  if (typeof data['deck'] === 'string' && data['deck'] !== expect.deck) errors.push(`deck: '${data['deck']}' is not this agent's deck '${expect.deck}'`);
  // The job id is what BullMQ deduplicates on and what the journal is keyed by; they must agree.
  if (typeof data['runId'] === 'string' && expect.jobId !== undefined && data['runId'] !== expect.jobId) {
    errors.push(`runId: '${data['runId']}' differs from the job id '${expect.jobId}'`);
  }
  const workflow = data['workflow'];
  const phases = isObject(workflow) ? workflow['script_dict'] : undefined;
  if (!isObject(phases) || !PHASE_KEYS.every((k) => Array.isArray(phases[k]))) errors.push('workflow: must hold script_dict with prep, script and cleanup lists');
  if (!RUN_MODES.includes(data['mode'] as RunJob['mode'])) errors.push(`mode: must be one of ${RUN_MODES.join(', ')}`);
  if (!isCount(data['repeat'], 0)) errors.push('repeat: must be a whole number >= 0');
  const parameters = data['parameters'];
  if (parameters !== null && !(Array.isArray(parameters) && parameters.every(isObject))) errors.push('parameters: must be a list of rows or null');
  if (data['mode'] === 'parameters' && !Array.isArray(parameters)) errors.push('parameters: a parameters run needs its rows');
  if (!isCount(data['batchSize'], 1)) errors.push('batchSize: must be a whole number >= 1');
  if (!ERROR_POLICIES.includes(data['onError'] as RunJob['onError'])) errors.push(`onError: must be one of ${ERROR_POLICIES.join(', ')}`);
  if (data['schemaHash'] !== null && typeof data['schemaHash'] !== 'string') errors.push('schemaHash: must be a string or null');
  const resume = data['resume'];
  if (resume !== undefined && resume !== null && !(isObject(resume) && isCount(resume['lastSeq'], 0) && Object.hasOwn(resume, 'checkpoint'))) {
    errors.push('resume: must be null or { checkpoint, lastSeq }');
  }
  const optimizer = data['mode'] === 'optimizer' ? checkOptimizerJob(data['optimizer'], errors) : null;
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    job: {
      runId: data['runId'] as string,
      deck: data['deck'] as string,
      name: data['name'] as string,
      workflow: workflow as unknown as RunJob['workflow'],
      mode: data['mode'] as RunJob['mode'],
      repeat: data['repeat'] as number,
      parameters: parameters as RunJob['parameters'],
      batchSize: data['batchSize'] as number,
      onError: data['onError'] as RunJob['onError'],
      schemaHash: data['schemaHash'] as string | null,
      submittedBy: data['submittedBy'] as string,
      resume: isObject(resume) ? { checkpoint: resume['checkpoint'] as JsonValue, lastSeq: resume['lastSeq'] as number } : null,
      ...(optimizer ? { optimizer } : {}),
      // A malformed trace context only loses the trace, never the run.
      ...traced(data['trace']),
    },
  };
}

/** An optimizer run's campaign: shape here, the optimizer's own rules by its checkConfig. */
function checkOptimizerJob(value: unknown, errors: string[]): OptimizerJob | null {
  if (!isObject(value)) {
    errors.push('optimizer: an optimizer run needs its campaign');
    return null;
  }
  const before = errors.length;
  for (const issue of checkConfig(value['config'])) errors.push(`optimizer.config${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
  if (!isCount(value['budget'], 1)) errors.push('optimizer.budget: must be a whole number >= 1');
  if (!Number.isSafeInteger(value['seed'])) errors.push('optimizer.seed: must be a whole number');
  const early = value['earlyStop'];
  if (early !== null && !(isObject(early) && isCount(early['patience'], 1) && typeof early['minImprovement'] === 'number' && early['minImprovement'] >= 0)) {
    errors.push('optimizer.earlyStop: must be null or { patience, minImprovement }');
  }
  const seeded = value['seeded'];
  if (!Array.isArray(seeded) || !seeded.every((t) => isObject(t) && isObject(t['parameters']) && isObject(t['outputs']))) {
    errors.push('optimizer.seeded: must be a list of { parameters, outputs }');
  }
  return errors.length === before ? (value as unknown as OptimizerJob) : null;
}

/** `{ trace }` when the payload carries a well-formed W3C context, else nothing. */
function traced(value: unknown): { trace?: TraceContext } {
  const parsed = traceContextSchema.safeParse(value);
  return parsed.success ? { trace: parsed.data } : {};
}
