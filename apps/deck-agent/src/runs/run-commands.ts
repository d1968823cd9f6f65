import { RUN_COMMAND_TYPES, type JsonObject, type JsonValue, type RunCommand, type RunEvent } from '@ivoryos/contracts';
import type { ControlResult, WorkflowInterpreter } from '@ivoryos/workflow';

/** The interpreter's controls, as commands reach them. */
export type Controls = Pick<WorkflowInterpreter, 'pause' | 'resume' | 'retry' | 'skip' | 'submitInput' | 'stopAfterIteration' | 'stopNow' | 'insertTrial'>;

export type RunCommandCheck = { ok: true; command: RunCommand } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Re-validates a command read from the deck's command stream (its JSON text). */
export function parseRunCommand(text: string | undefined): RunCommandCheck {
  let data: unknown;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isObject(data)) return { ok: false, error: 'not an object' };
  for (const key of ['commandId', 'runId']) {
    if (typeof data[key] !== 'string' || !data[key]) return { ok: false, error: `${key}: must be a non-empty string` };
  }
  const type = data['type'];
  if (!RUN_COMMAND_TYPES.includes(type as RunCommand['type'])) return { ok: false, error: `type: must be one of ${RUN_COMMAND_TYPES.join(', ')}` };
  const promptId = data['promptId'];
  if (promptId !== undefined && promptId !== null && typeof promptId !== 'string') return { ok: false, error: 'promptId: must be a string or null' };
  const stop = data['stop'];
  const stopOk = isObject(stop) && (stop['when'] === 'now' || stop['when'] === 'after-iteration') && typeof stop['cleanup'] === 'boolean';
  if (type === 'stop' && !stopOk) return { ok: false, error: "stop: must be { when: 'now' | 'after-iteration', cleanup }" };
  return {
    ok: true,
    command: {
      commandId: data['commandId'] as string,
      runId: data['runId'] as string,
      type: type as RunCommand['type'],
      promptId: (promptId as string | null | undefined) ?? null,
      stop: stopOk ? { when: stop['when'] as 'now' | 'after-iteration', cleanup: stop['cleanup'] as boolean } : null,
      value: data['value'] as JsonValue | undefined,
      issuedBy: typeof data['issuedBy'] === 'string' ? data['issuedBy'] : '',
      issuedAt: typeof data['issuedAt'] === 'string' ? data['issuedAt'] : '',
    },
  };
}

/** Hands a command to the run's interpreter; controls act at step boundaries, never inside a driver call. */
export function applyCommand(run: Controls, command: RunCommand): ControlResult {
  const promptId = command.promptId ?? undefined;
  switch (command.type) {
    case 'pause':
      return run.pause();
    case 'resume':
      return run.resume(promptId);
    case 'retry':
      return run.retry(promptId);
    case 'skip':
      return run.skip(promptId);
    case 'input':
      return run.submitInput(command.value ?? null, promptId);
    case 'trial': {
      const v = command.value;
      const parameters = isObject(v) ? v['parameters'] : undefined;
      return isObject(parameters) ? run.insertTrial(parameters as JsonObject) : { accepted: false, reason: 'a trial needs { parameters }' };
    }
    case 'stop':
      if (command.stop?.when === 'now') return run.stopNow();
      return run.stopAfterIteration({ cleanup: command.stop?.cleanup ?? true });
  }
}

/** The `command` run event that answers a command, in the run's own seq order. */
export function commandAnswer(command: RunCommand, result: ControlResult): Extract<RunEvent, { type: 'command' }> {
  return {
    type: 'command', commandId: command.commandId, command: command.type,
    outcome: result.accepted ? 'applied' : 'refused', reason: result.accepted ? null : result.reason ?? null,
  };
}
