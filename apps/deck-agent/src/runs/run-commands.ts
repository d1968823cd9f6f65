import { checkMessageText, runCommandSchema, type JsonObject, type RunCommand, type RunEvent } from '@ivoryos/contracts';
import type { ControlResult, WorkflowInterpreter } from '@ivoryos/workflow';

/** The interpreter's controls, as commands reach them. */
export type Controls = Pick<WorkflowInterpreter, 'pause' | 'resume' | 'retry' | 'skip' | 'submitInput' | 'stopAfterIteration' | 'stopNow' | 'insertTrial'>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type RunCommandCheck = { ok: true; command: RunCommand } | { ok: false; error: string };

/** Checks a command read from the deck's command stream (its JSON text) against the shared contract. */
export function parseRunCommand(text: string | undefined): RunCommandCheck {
  const checked = checkMessageText(runCommandSchema, text);
  return checked.ok ? { ok: true, command: checked.value } : { ok: false, error: checked.errors.join('; ') };
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
