import { RetrySchedule } from './retry-schedule';

/** The wait from `now` until `key` is due. */
function waitFrom(s: RetrySchedule, key: string, now: number): number {
  let t = now;
  while (!s.dueKeys(t).includes(key)) t += 100;
  return t - now;
}

describe('RetrySchedule', () => {
  it('retries soon after a first failure, doubling the wait while retries fail, up to the cap', () => {
    const s = new RetrySchedule(500, 4000);
    s.failed('a', 0);
    expect(s.dueKeys(499)).toEqual([]);
    expect(s.dueKeys(500)).toEqual(['a']);
    const waits: number[] = [];
    let now = 500;
    for (let i = 0; i < 5; i++) {
      s.retryFailed('a', now);
      waits.push(waitFrom(s, 'a', now));
      now += waits[waits.length - 1];
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('does not push a scheduled retry back when more entries fail meanwhile', () => {
    const s = new RetrySchedule(500, 4000);
    s.failed('a', 0);
    for (let t = 10; t < 500; t += 10) s.failed('a', t);
    expect(s.dueKeys(500)).toEqual(['a']);
    s.retryFailed('a', 500);
    for (let t = 510; t < 1500; t += 10) s.failed('a', t);
    expect(waitFrom(s, 'a', 500)).toBe(1000);
  });

  it('starts from the first delay again after a success, and keeps keys apart', () => {
    const s = new RetrySchedule(500, 4000);
    s.failed('a', 0);
    s.retryFailed('a', 0);
    s.failed('b', 0);
    expect(s.dueKeys(500)).toEqual(['b']);
    expect(s.dueKeys(1000).sort()).toEqual(['a', 'b']);
    s.succeeded('a');
    expect(s.size).toBe(1);
    s.failed('a', 2000);
    expect(s.dueKeys(2499)).toEqual(['b']);
    expect(s.dueKeys(2500).sort()).toEqual(['a', 'b']);
  });

  it('is empty when nothing failed', () => {
    const s = new RetrySchedule();
    expect(s.dueKeys()).toEqual([]);
    expect(s.size).toBe(0);
  });
});
