import { buildTrials, type TrialPhase } from './trials';

const main = (repeatIndex: number, rows: Array<[Record<string, number>, Record<string, unknown> | undefined, Record<string, unknown>]>, ended = true): TrialPhase => ({
  name: 'main', repeatIndex, endedAt: ended ? '2026-01-01T00:00:00Z' : null,
  parameters: rows.map((r) => r[0]),
  outputs: ended ? rows.map((r) => ({ ...r[0], ...(r[1] ?? {}) }) as never) : null,
  meta: rows.map((r) => r[2] as never),
});

describe('buildTrials', () => {
  const init = { suggestedBy: 'initial', acquisition: null, fitMs: 0 };
  const model = (a: number) => ({ suggestedBy: 'model', acquisition: a, fitMs: 12.5 });

  it('gives one trial per sample with the notes, the best so far and the best trial (min)', () => {
    const table = buildTrials([
      { name: 'prep', repeatIndex: 1, parameters: null, meta: null, outputs: [{}], endedAt: 'x' },
      main(1, [[{ x: 1 }, { y: 5, note: 'a' }, init], [{ x: 2 }, { y: 3 }, init]]),
      main(2, [[{ x: 3 }, { y: 'n/a' }, model(-1.5)], [{ x: 4 }, { y: 4 }, model(-2)]]),
      main(3, [[{ x: 5 }, undefined, model(-3)]], false),
    ], [{ output: 'y', direction: 'min' }]);
    expect(table.items.map((t) => [t.index, t.iteration, t.status, t.bestSoFar, t.suggestedBy])).toEqual([
      [1, 1, 'completed', 5, 'initial'], [2, 1, 'completed', 3, 'initial'], [3, 2, 'failed', 3, 'model'], [4, 2, 'completed', 3, 'model'], [5, 3, 'running', 3, 'model'],
    ]);
    expect(table.items[0]).toMatchObject({ parameters: { x: 1 }, outputs: { y: 5, note: 'a' }, acquisition: null, fitMs: 0 });
    expect(table.items[3]).toMatchObject({ acquisition: -2, fitMs: 12.5 });
    expect(table.best).toEqual({ index: 2, parameters: { x: 2 }, outputs: { y: 3 } });
    expect(table.pareto).toBeUndefined();
  });

  it('keeps the best of a max objective as its own value, and gives the Pareto front for several objectives', () => {
    const max = buildTrials([main(1, [[{ x: 1 }, { y: 1 }, init], [{ x: 2 }, { y: 7 }, init], [{ x: 3 }, { y: 2 }, init]])], [{ output: 'y', direction: 'max' }]);
    expect(max.items.map((t) => t.bestSoFar)).toEqual([1, 7, 7]);
    expect(max.best?.index).toBe(2);
    const two = buildTrials([main(1, [[{ x: 1 }, { a: 1, b: 5 }, init], [{ x: 2 }, { a: 2, b: 2 }, init], [{ x: 3 }, { a: 3, b: 3 }, init], [{ x: 4 }, { a: 5, b: 1 }, init]])],
      [{ output: 'a', direction: 'min' }, { output: 'b', direction: 'min' }]);
    expect(two.pareto).toEqual([1, 2, 4]);
  });

  it('has no best before any trial completed', () => {
    expect(buildTrials([main(1, [[{ x: 1 }, undefined, init]], false)], [{ output: 'y', direction: 'min' }])).toEqual({
      items: [expect.objectContaining({ status: 'running', bestSoFar: null })], best: null,
    });
  });
});
