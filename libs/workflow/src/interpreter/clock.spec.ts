import { systemClock } from './clock';

describe('systemClock', () => {
  it('tells the time and sleeps for real', async () => {
    const before = Date.now();
    expect(Math.abs(systemClock.now() - before)).toBeLessThan(1000);
    const start = performance.now();
    await systemClock.sleep(20, new AbortController().signal);
    expect(performance.now() - start).toBeGreaterThanOrEqual(15);
  });

  it('wakes early when the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    await expect(systemClock.sleep(60_000, controller.signal)).resolves.toBeUndefined();
  });
});
