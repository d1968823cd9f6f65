import { suggest } from './suggest';
import { SuggestWorker } from './suggest-worker-client';
import { OptimizerInputError, type OptimizerConfig, type TrialRecord } from './types';

const CONFIG: OptimizerConfig = {
  parameters: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`x${i}`, { min: 0, max: 1 }])),
  objectives: [{ output: 'y', direction: 'min' }],
  initial: 10,
};
const TRIALS: TrialRecord[] = Array.from({ length: 40 }, (_, i) => {
  const parameters = Object.fromEntries([1, 2, 3, 4, 5, 6].map((k) => [`x${k}`, ((i * 37 + k * 11) % 97) / 97]));
  const y = Object.values(parameters).reduce((s, v, k) => s + (v - 0.1 * k) ** 2, 0);
  return { parameters, status: 'completed', outputs: { y }, suggestedBy: i < 10 ? 'initial' : 'model' };
});

describe('SuggestWorker', () => {
  const worker = new SuggestWorker();
  afterAll(() => worker.close());

  it('gives exactly what suggest() gives, without blocking the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    const fromWorker = await worker.suggest(CONFIG, TRIALS, 11, 2);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    const direct = suggest(CONFIG, TRIALS, 11, 2);
    expect(fromWorker.map((s) => s.parameters)).toEqual(direct.map((s) => s.parameters));
    expect(fromWorker.map((s) => s.acquisition)).toEqual(direct.map((s) => s.acquisition));
    // the timer kept firing while the worker computed (a blocked loop would show 0 or 1 ticks)
    expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 10));
  });

  it('passes input errors back with their field paths', async () => {
    const error = await worker.suggest({ ...CONFIG, objectives: [] }, [], 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptimizerInputError);
    expect((error as OptimizerInputError).issues).toEqual([{ path: 'objectives', message: 'must list at least one objective' }]);
  });

  it('answers concurrent requests each with its own result', async () => {
    const [a, b] = await Promise.all([worker.suggest(CONFIG, TRIALS, 1), worker.suggest(CONFIG, TRIALS.slice(0, 5), 1)]);
    expect(a[0].suggestedBy).toBe('model');
    expect(b[0].suggestedBy).toBe('initial');
  });

  it('fails open requests when closed, and starts a new worker on the next call', async () => {
    const w = new SuggestWorker();
    const pending = w.suggest(CONFIG, TRIALS, 2);
    await w.close();
    await expect(pending).rejects.toThrow(/closed|exited/);
    const again = await w.suggest(CONFIG, TRIALS.slice(0, 3), 2);
    expect(again).toHaveLength(1);
    await w.close();
  });
});
