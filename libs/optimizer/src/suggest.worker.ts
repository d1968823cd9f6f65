/**
 * Worker-thread entry: runs suggest() off the caller's event loop. One message in, one message out,
 * matched by id; errors travel back as data (an OptimizerInputError keeps its issues).
 */
import { parentPort } from 'node:worker_threads';
import { suggest } from './suggest';
import { OptimizerInputError, type OptimizerConfig, type TrialRecord } from './types';

export interface SuggestRequest {
  id: number;
  config: OptimizerConfig;
  trials: TrialRecord[];
  seed: number;
  count: number;
}

parentPort?.on('message', (request: SuggestRequest) => {
  try {
    const result = suggest(request.config, request.trials, request.seed, request.count);
    parentPort?.postMessage({ id: request.id, ok: true, result });
  } catch (e) {
    const error = e as Error;
    const issues = e instanceof OptimizerInputError ? e.issues : undefined;
    parentPort?.postMessage({ id: request.id, ok: false, error: { name: error.name, message: error.message, issues } });
  }
});
