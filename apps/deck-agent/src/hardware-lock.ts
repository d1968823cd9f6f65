/**
 * The one lock around every driver call in this process. Direct calls take it, and runs
 * (executed outside the BullMQ worker) take it around each step, so a run and a direct
 * call never drive the same hardware at once. Waiters are served first-in-first-out.
 */
export class HardwareLock {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** True while a driver call holds the lock (the heartbeat reports `busy`). */
  get busy(): boolean {
    return this.holders > 0;
  }

  async runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.holders += 1;
    try {
      return await fn();
    } finally {
      this.holders -= 1;
      release();
    }
  }
}
