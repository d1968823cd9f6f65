import { checkPoints, type Suggestion } from '@ivoryos/optimizer';
import type { Suggester } from './optimizer-source';

/** Longest wait for an external optimizer's answer; past it the run waits on an `optimizer` prompt. */
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * Asks an external optimizer (docs/optimizer.md, "External optimizers") for the next points: POST
 * `{ config, trials, seed, count }` to `url`, answer `{ points: [{ <parameter>: value, … }] }`. The
 * request carries the whole campaign, so the service may keep no state and a resumed campaign asks
 * the same question. An unreachable service, an error status or an answer outside the search space
 * throws, which the run turns into its `optimizer` prompt (retry / skip / stop).
 */
export function httpSuggester(url: string, timeoutMs = ANSWER_TIMEOUT_MS): Suggester {
  return async (config, trials, seed, count) => {
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ config, trials, seed, count }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new Error(`external optimizer ${url} gave no answer within ${timeoutMs / 1000} s`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`external optimizer ${url} unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new Error(`external optimizer ${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new Error(`external optimizer ${url} answered something other than JSON: ${text.slice(0, 200)}`);
    }
    const { points, issues } = checkPoints(config, answer, count);
    if (issues.length > 0) throw new Error(`external optimizer ${url} answered bad points: ${issues.slice(0, 5).map((i) => `${i.path} ${i.message}`).join('; ')}`);
    const fitMs = performance.now() - started;
    return points.map((parameters): Suggestion => ({ parameters, suggestedBy: 'model', acquisition: null, fitMs, note: 'external optimizer' }));
  };
}
