/** Attempts per delivery: the first and five retries. */
export const WEBHOOK_MAX_ATTEMPTS = 6;
/** Each attempt gives up after this long (connect, send and response headers). */
export const WEBHOOK_TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 2_000;

/** Delay before the attempt after `attempt` (1-based): 2 s, 4 s, 8 s, 16 s, 32 s; undefined when none is left. */
export function retryDelayMs(attempt: number): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= WEBHOOK_MAX_ATTEMPTS) return undefined;
  return FIRST_RETRY_MS * 2 ** (attempt - 1);
}

/** What one attempt came to. `refused`: the target is not allowed (never retried). */
export type AttemptOutcome =
  | { kind: 'response'; status: number }
  | { kind: 'network'; error: string }
  | { kind: 'refused'; reason: string };

/** 2xx is delivered. Network errors, timeouts, 5xx and 429 are worth another try; other answers are final. */
export function classifyAttempt(outcome: AttemptOutcome): 'delivered' | 'retry' | 'failed' {
  if (outcome.kind === 'refused') return 'failed';
  if (outcome.kind === 'network') return 'retry';
  if (outcome.status >= 200 && outcome.status < 300) return 'delivered';
  return outcome.status >= 500 || outcome.status === 429 ? 'retry' : 'failed';
}
