/**
 * When to try a stream's failed entries again: soon after a handler first fails on it, then
 * backing off (doubling up to a cap) while retries keep failing, e.g. while PostgreSQL is away.
 * More failures of newly read entries meanwhile change nothing: the pending entries are retried
 * together.
 */
export class RetrySchedule {
  private readonly due = new Map<string, { at: number; delay: number }>();

  constructor(
    private readonly firstMs = 500,
    private readonly maxMs = 2000,
  ) {}

  /** A handler failed on `key`: retry after the first delay, unless a retry is already scheduled. */
  failed(key: string, now = Date.now()): void {
    if (!this.due.has(key)) this.due.set(key, { at: now + this.firstMs, delay: this.firstMs });
  }

  /** Keys whose retry is due. They stay scheduled until `retryFailed` or `succeeded`. */
  dueKeys(now = Date.now()): string[] {
    return [...this.due].filter(([, r]) => r.at <= now).map(([key]) => key);
  }

  /** The retry of `key` failed too: wait twice as long as last time (up to the cap). */
  retryFailed(key: string, now = Date.now()): void {
    const delay = Math.min((this.due.get(key)?.delay ?? this.firstMs / 2) * 2, this.maxMs);
    this.due.set(key, { at: now + delay, delay });
  }

  /** The retry of `key` worked: a later failure starts at the first delay again. */
  succeeded(key: string): void {
    this.due.delete(key);
  }

  get size(): number {
    return this.due.size;
  }
}
