/* Workflow documents for tests, shaped as IvoryOS stores them. */
import { randomUUID } from 'node:crypto';
import { CONTRACT_VERSION, type DeckSchema, type JsonObject, type JsonValue, type RunJob, type WorkflowAction, type WorkflowDocument } from '@ivoryos/contracts';

let uuid = 1;
/** A workflow step; `id`s are numbered by `workflow()`. */
export function step(instrument: string, action: string, args: JsonObject = {}, extra: Partial<WorkflowAction> = {}): WorkflowAction {
  return { id: 0, uuid: uuid++, instrument, action, args, return: '', ...extra };
}

export function block(kind: 'if' | 'repeat', statement: JsonValue, body: WorkflowAction[], otherwise?: WorkflowAction[]): WorkflowAction[] {
  const id = uuid++;
  const marker = (action: string, args: JsonObject = {}): WorkflowAction => ({ id: 0, uuid: id, instrument: kind, action, args, return: '' });
  return [marker(kind, { statement }), ...body, ...(otherwise ? [marker('else'), ...otherwise] : []), marker(`end${kind}`)];
}

export function workflow(script: WorkflowAction[], prep: WorkflowAction[] = [], cleanup: WorkflowAction[] = []): WorkflowDocument {
  const ids = (list: WorkflowAction[]) => list.map((a, i) => ({ ...a, id: i + 1 }));
  return {
    name: 'int-test', deck: 'abstract_sdl', status: 'editing', author: 'int-test',
    script_dict: { prep: ids(prep), script: ids(script), cleanup: ids(cleanup) }, id_order: { prep: [], script: [], cleanup: [] },
  };
}


/** A `run.accept` payload as the gateway builds it: repeat 1, one sample, errors wait. */
export function runJob(deck: string, wf: WorkflowDocument, over: Partial<RunJob> = {}): RunJob {
  return {
    schemaVersion: CONTRACT_VERSION, runId: randomUUID(), deck, name: 'test run', workflow: wf, mode: 'repeat', repeat: 1, parameters: null, batchSize: 1,
    onError: 'wait', schemaHash: null, submittedBy: 'test', resume: null, ...over,
  };
}

/** A small deck schema for in-process tests: `deck.bench.noop(x)` and a few `deck.sdl` methods. */
export const labSchema: DeckSchema = {
  schemaVersion: 1,
  deck: 'lab',
  hash: 'lab-hash',
  instruments: {
    'deck.bench': {
      name: 'deck.bench',
      actions: {
        noop: { name: 'noop', kind: 'method', async: false, params: [{ name: 'x', type: 'float', required: false, default: 1 }], returns: { kind: 'scalar', types: ['float'], annotation: 'number' } },
      },
    },
    'deck.sdl': {
      name: 'deck.sdl',
      actions: {
        fail: { name: 'fail', kind: 'method', async: false, params: [], returns: { kind: 'none', types: [], annotation: 'void' } },
        slow: { name: 'slow', kind: 'method', async: true, params: [], returns: { kind: 'none', types: [], annotation: 'void' } },
      },
    },
  },
};
