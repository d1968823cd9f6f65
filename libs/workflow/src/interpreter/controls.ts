import type { JsonValue } from '@ivoryos/contracts';
import type { ControlResult } from './types';

/** An operator's answer to a prompt or a pause. */
export type Decision =
  | { type: 'retry' } | { type: 'skip' } | { type: 'resume' } | { type: 'stop' } | { type: 'input'; value: JsonValue };

export const accepted: ControlResult = { accepted: true };
export const refuse = (reason: string): ControlResult => ({ accepted: false, reason });

/**
 * Hands operator decisions to the run loop. Controls arrive from outside at any time: one that comes
 * before the loop waits is kept for it, and once a prompt is answered further answers are refused, so a
 * retry meant for one prompt can never apply to the next.
 */
export class Decisions {
  private waiter: ((decision: Decision) => void) | null = null;
  private queued: Decision | null = null;
  private answered = false;

  get isAnswered(): boolean {
    return this.answered;
  }

  /** A new prompt or pause is open: it may be answered once. */
  open(): void {
    this.answered = false;
  }

  deliver(decision: Decision): ControlResult {
    this.answered = true;
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter(decision);
    else this.queued = decision;
    return accepted;
  }

  /** Stop wins over any answer still queued. */
  stop(): void {
    this.queued = null;
    this.deliver({ type: 'stop' });
  }

  next(stopped: boolean): Promise<Decision> {
    if (stopped) return Promise.resolve({ type: 'stop' });
    const queued = this.queued;
    this.queued = null;
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
