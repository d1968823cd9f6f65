import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SuggestRequest } from './suggest.worker';
import { OptimizerInputError, type ConfigIssue, type OptimizerConfig, type Suggestion, type TrialRecord } from './types';

type Reply =
  | { id: number; ok: true; result: Suggestion[] }
  | { id: number; ok: false; error: { name: string; message: string; issues?: ConfigIssue[] } };

interface Waiter {
  resolve: (s: Suggestion[]) => void;
  reject: (e: Error) => void;
}

/**
 * suggest() in a worker thread, so a fit of up to seconds never blocks the caller's event loop (live
 * events, hardware calls). One long-lived worker, requests answered in order; a crashed worker fails
 * its open requests and is replaced on the next call. Same inputs, same result as calling suggest().
 */
export class SuggestWorker {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;

  suggest(config: OptimizerConfig, trials: TrialRecord[], seed: number, count = 1): Promise<Suggestion[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const request: SuggestRequest = { id, config, trials, seed, count };
    return new Promise<Suggestion[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Stops the worker; open requests fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll(new Error('optimizer worker closed'));
  }

  private start(): Worker {
    const ext = extname(__filename);
    const entry = join(__dirname, `suggest.worker${ext}`);
    // from TypeScript sources (tests, tsx) the worker registers tsx first; built code runs as is
    const worker =
      ext === '.ts'
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { eval: true })
        : new Worker(entry);
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else if (reply.error.issues) waiter.reject(new OptimizerInputError(reply.error.issues));
      else waiter.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    worker.on('error', (e) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(e);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`optimizer worker exited with code ${code}`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiters) w.reject(error);
  }
}
