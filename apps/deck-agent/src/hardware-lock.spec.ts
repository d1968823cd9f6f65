import { HardwareLock } from './hardware-lock';

describe('HardwareLock', () => {
  it('runs holders one at a time, first come first served', async () => {
    const lock = new HardwareLock();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = lock.runExclusive(async () => {
      order.push('first in');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first out');
    });
    const second = lock.runExclusive(() => order.push('second'));
    const third = lock.runExclusive(() => order.push('third'));
    await Promise.resolve();
    expect(lock.busy).toBe(true);
    expect(order).toEqual(['first in']);
    releaseFirst();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first in', 'first out', 'second', 'third']);
    expect(lock.busy).toBe(false);
  });

  it('is released when the holder throws, and passes the error on', async () => {
    const lock = new HardwareLock();
    await expect(lock.runExclusive(() => Promise.reject(new Error('stalled')))).rejects.toThrow('stalled');
    await expect(lock.runExclusive(() => 'next')).resolves.toBe('next');
    expect(lock.busy).toBe(false);
  });
});
