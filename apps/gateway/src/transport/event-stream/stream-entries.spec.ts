import { BATCH, forEachConcurrently, readCount } from './stream-entries';

describe('readCount', () => {
  it.each([
    [1, BATCH],
    [10, BATCH],
    [20, 500],
    [100, 100],
    [1000, 100],
  ])('%i streams read %i entries each', (streams, count) => {
    expect(readCount(streams)).toBe(count);
  });
});

describe('forEachConcurrently', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('calls every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      seen.push(n);
      inFlight--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('starts items in order and handles fewer items than the limit', async () => {
    const started: string[] = [];
    await forEachConcurrently(['a', 'b'], 4, async (s) => {
      started.push(s);
      await tick();
    });
    expect(started).toEqual(['a', 'b']);
    await expect(forEachConcurrently([], 4, async () => undefined)).resolves.toBeUndefined();
  });

  it('rejects with a failing call', async () => {
    await expect(forEachConcurrently([1, 2], 2, async (n) => {
      if (n === 2) throw new Error('two failed');
    })).rejects.toThrow('two failed');
  });
});
