/* One chaos scenario as a bounded script: assertions printed one per line, a hard timeout,
   and cleanup of everything it started (processes, database, redis-server) even when it fails. */
import { performance } from 'node:perf_hooks';

type Cleanup = { label: string; fn: () => Promise<void> | void };

/** Thrown by `must` and bounded waits: the scenario cannot go on, its cleanup still runs. */
export class ScenarioAbort extends Error {
  constructor(
    message: string,
    /** Already printed and counted as a failed check. */
    readonly recorded = false,
  ) {
    super(message);
  }
}

export class Scenario {
  private passed = 0;
  private failed = 0;
  private readonly cleanups: Cleanup[] = [];
  /** Synchronous last resort on process exit (kill -9 of children whose cleanup never ran). */
  private readonly onExit = new Set<() => void>();
  /** Printed when a check failed: the last output of each process, to see why. */
  private readonly diagnostics: { label: string; fn: () => string }[] = [];
  private readonly t0 = performance.now();

  constructor(
    readonly name: string,
    private readonly timeoutMs: number,
  ) {}

  /** Seconds since the scenario started, for log lines. */
  elapsed(): string {
    return `${((performance.now() - this.t0) / 1000).toFixed(1)} s`;
  }

  log(message: string): void {
    console.log(`  · [${this.elapsed()}] ${message}`);
  }

  /** One assertion, one printed line; a failure is counted and the scenario goes on. */
  check(label: string, ok: boolean, detail?: string): boolean {
    if (ok) this.passed++;
    else this.failed++;
    console.log(`  ${ok ? '✔' : '✘'} ${label}${!ok && detail ? ` — ${detail}` : ''}`);
    return ok;
  }

  /** An assertion the rest of the scenario depends on: a failure ends it (cleanup still runs). */
  must(label: string, ok: boolean, detail?: string): void {
    if (!this.check(label, ok, detail)) throw new ScenarioAbort(label, true);
  }

  /** Registers cleanup, run in reverse order at the end whatever happened. */
  defer(label: string, fn: () => Promise<void> | void): void {
    this.cleanups.push({ label, fn });
  }

  /** Output shown only when the scenario fails. */
  diagnose(label: string, fn: () => string): void {
    this.diagnostics.push({ label, fn });
  }

  /** Registers a synchronous kill for process exit; returns a function that unregisters it. */
  atExit(fn: () => void): () => void {
    this.onExit.add(fn);
    return () => this.onExit.delete(fn);
  }

  /** Runs the body under the hard timeout, cleans up, prints the verdict and exits (0 only when every check passed). */
  async run(body: (s: Scenario) => Promise<void>): Promise<never> {
    console.log(`\n■ chaos: ${this.name}`);
    process.on('exit', () => {
      for (const fn of this.onExit) {
        try {
          fn();
        } catch {
          // best effort: the process is leaving
        }
      }
    });
    let finished = false;
    const finish = async (reason?: string): Promise<never> => {
      if (finished) return new Promise<never>(() => undefined);
      finished = true;
      if (reason) this.check(reason, false);
      if (this.failed) {
        for (const d of this.diagnostics) {
          const text = d.fn().trim();
          if (text) console.log(`  ┆ last output of ${d.label}:\n${text.split('\n').map((l) => `  ┆   ${l.slice(0, 400)}`).join('\n')}`);
        }
      }
      await this.cleanup();
      const ok = this.failed === 0 && this.passed > 0;
      console.log(`${ok ? '✔' : '✘'} chaos: ${this.name}: ${this.passed} checks passed, ${this.failed} failed (${this.elapsed()})`);
      process.exit(ok ? 0 : 1);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void finish(`interrupted by ${signal}`));
    // A stray error (a socket, a timer) must not skip the cleanup: it fails the scenario instead.
    process.on('uncaughtException', (err) => void finish(`no uncaught exception (${err.stack ?? err.message})`));
    process.on('unhandledRejection', (reason) => void finish(`no unhandled rejection (${reason instanceof Error ? reason.stack ?? reason.message : String(reason)})`));
    const timer = setTimeout(() => void finish(`finished within the hard timeout of ${this.timeoutMs / 1000} s`), this.timeoutMs);
    try {
      await body(this);
    } catch (err) {
      if (err instanceof ScenarioAbort) {
        if (!err.recorded) this.check(err.message, false);
      } else {
        this.check(`no unexpected error (${err instanceof Error ? err.stack ?? err.message : String(err)})`, false);
      }
    }
    clearTimeout(timer);
    return finish();
  }

  private async cleanup(): Promise<void> {
    // Each step bounded, so a stuck one cannot keep the others (or the process) from ending.
    for (const { label, fn } of this.cleanups.splice(0).reverse()) {
      try {
        await withTimeout(Promise.resolve(fn()), 10_000, `cleanup: ${label}`);
      } catch (err) {
        console.log(`  ! cleanup: ${label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `fn` until it returns something other than undefined/false; throws ScenarioAbort after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new ScenarioAbort(`${what} within ${timeoutMs / 1000} s${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
