import type { EventEnvelope } from '@ivoryos/contracts';
import { classifyAttempt, retryDelayMs, WEBHOOK_MAX_ATTEMPTS } from './webhook-backoff';
import { buildWebhookBody, statusNotices } from './webhook-payload';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature';
import { TaskPool } from './task-pool';

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the exact body', () => {
    // Reference value from `printf '{"a":1}' | openssl dgst -sha256 -hmac secret`.
    expect(signWebhookBody('secret', '{"a":1}')).toBe('sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494');
  });

  it('verifies only the body it was made for, with the same secret', () => {
    const body = JSON.stringify({ event: 'run.completed' });
    const sig = signWebhookBody('k'.repeat(32), body);
    expect(verifyWebhookSignature('k'.repeat(32), body, sig)).toBe(true);
    expect(verifyWebhookSignature('k'.repeat(32), `${body} `, sig)).toBe(false);
    expect(verifyWebhookSignature('x'.repeat(32), body, sig)).toBe(false);
    expect(verifyWebhookSignature('k'.repeat(32), body, undefined)).toBe(false);
    expect(verifyWebhookSignature('k'.repeat(32), body, 'sha256=00')).toBe(false);
  });
});

describe('webhook retries', () => {
  it('waits 2, 4, 8, 16 and 32 s between six attempts', () => {
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(6);
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([2000, 4000, 8000, 16000, 32000, undefined]);
    expect(retryDelayMs(0)).toBeUndefined();
    expect(retryDelayMs(1.5)).toBeUndefined();
  });

  it('retries network errors, 5xx and 429, and nothing else', () => {
    expect(classifyAttempt({ kind: 'response', status: 200 })).toBe('delivered');
    expect(classifyAttempt({ kind: 'response', status: 204 })).toBe('delivered');
    expect(classifyAttempt({ kind: 'network', error: 'ECONNREFUSED' })).toBe('retry');
    expect(classifyAttempt({ kind: 'response', status: 500 })).toBe('retry');
    expect(classifyAttempt({ kind: 'response', status: 503 })).toBe('retry');
    expect(classifyAttempt({ kind: 'response', status: 429 })).toBe('retry');
    expect(classifyAttempt({ kind: 'response', status: 400 })).toBe('failed');
    expect(classifyAttempt({ kind: 'response', status: 404 })).toBe('failed');
    expect(classifyAttempt({ kind: 'response', status: 301 })).toBe('failed');
    expect(classifyAttempt({ kind: 'refused', reason: 'not allowed' })).toBe('failed');
  });
});

describe('webhook bodies', () => {
  const env = (seq: number, event: EventEnvelope['event']): EventEnvelope => ({ runId: 'r1', deck: 'lab', seq, at: `2026-05-14T10:00:0${seq}.000Z`, event });
  const waiting = { promptId: 'p1', kind: 'error' as const, message: 'balance timeout', since: '2026-05-14T10:00:02.000Z' };

  it('announces waiting, completed, failed and stopped, in order', () => {
    const notices = statusNotices([
      env(1, { type: 'run.status', status: 'running' }),
      env(2, { type: 'run.status', status: 'waiting', waiting }),
      env(3, { type: 'log', level: 'info', message: 'x' }),
      env(4, { type: 'run.status', status: 'running', waiting: null }),
      env(5, { type: 'run.status', status: 'stopped' }),
    ]);
    expect(notices.map((n) => [n.seq, n.status])).toEqual([[2, 'waiting'], [5, 'stopped']]);
    expect(statusNotices([env(6, { type: 'run.status', status: 'failed', error: 'boom' })])[0]).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it('describes the run as of the event', () => {
    const run = {
      id: 'r1', name: 'dose', deck: 'lab', error: null, externalId: 'LIMS-7', metadata: { batch: 3 },
      startedAt: new Date('2026-05-14T09:59:00Z'), endedAt: null,
    };
    const [notice] = statusNotices([env(2, { type: 'run.status', status: 'waiting', waiting })]);
    expect(buildWebhookBody(run, notice)).toEqual({
      event: 'run.waiting', seq: 2, at: '2026-05-14T10:00:02.000Z',
      run: {
        id: 'r1', name: 'dose', deck: 'lab', status: 'waiting', waiting, error: null, startedAt: '2026-05-14T09:59:00.000Z', endedAt: null,
        externalId: 'LIMS-7', metadata: { batch: 3 }, url: '/api/runs/r1',
      },
    });
    const ended = { ...run, error: 'pump jammed', endedAt: new Date('2026-05-14T10:01:00Z') };
    const [failed] = statusNotices([env(3, { type: 'run.status', status: 'failed' })]);
    expect(buildWebhookBody(ended, failed).run).toMatchObject({ status: 'failed', waiting: null, error: 'pump jammed', endedAt: '2026-05-14T10:01:00.000Z' });
  });
});

describe('task pool', () => {
  it('runs at most `concurrency` tasks and refuses beyond the backlog', async () => {
    const pool = new TaskPool(2, 1);
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const task = () => new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve();
      });
    });
    expect([pool.push(task), pool.push(task), pool.push(task), pool.push(task)]).toEqual([true, true, true, false]);
    expect(pool.pending).toBe(3);
    const idle = pool.idle();
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await idle;
    expect(peak).toBe(2);
    expect(pool.pending).toBe(0);
  });
});
