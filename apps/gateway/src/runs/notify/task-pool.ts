/**
 * Runs async tasks with at most `concurrency` at once and at most `backlog` waiting, so a burst
 * of slow webhook receivers can neither block ingestion nor grow memory without bound.
 */
export class TaskPool {
  private active = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly backlog: number,
  ) {}

  /** Queues a task; false (and not queued) when the backlog is full. Task errors are the task's business. */
  push(task: () => Promise<void>): boolean {
    if (this.active < this.concurrency) {
      this.start(task);
      return true;
    }
    if (this.waiting.length >= this.backlog) return false;
    this.waiting.push(task);
    return true;
  }

  get pending(): number {
    return this.active + this.waiting.length;
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops tasks not started yet; returns how many. */
  clear(): number {
    return this.waiting.splice(0).length;
  }

  private start(task: () => Promise<void>): void {
    this.active++;
    void task()
      .catch(() => undefined)
      .finally(() => {
        this.active--;
        const next = this.waiting.shift();
        if (next) this.start(next);
        else if (!this.active) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }
}
