import type { EventEnvelope, JsonObject, RunStatus, WaitingPrompt } from '@ivoryos/contracts';

/** Statuses that call a run's webhooks. `stopped` is final too: a watcher waiting for the end must hear of it. */
export const NOTIFY_STATUSES = ['waiting', 'completed', 'failed', 'stopped'] as const;
export type NotifyStatus = (typeof NOTIFY_STATUSES)[number];
export type WebhookEventName = `run.${NotifyStatus}`;

/** The run columns a webhook body shows (read from PostgreSQL after the commit). */
export interface WebhookRunSource {
  id: string;
  name: string;
  deck: string;
  error: string | null;
  externalId: string | null;
  metadata: JsonObject | null;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** A status change worth a webhook, taken from a committed batch (so it is in the ledger). */
export interface StatusNotice {
  seq: number;
  at: string;
  status: NotifyStatus;
  waiting: WaitingPrompt | null;
  error: string | null;
}

export interface WebhookBody {
  event: WebhookEventName;
  /** Ledger seq and time of the status event: a receiver can drop repeats by (run.id, seq). */
  seq: number;
  at: string;
  run: {
    id: string;
    name: string;
    deck: string;
    status: NotifyStatus;
    waiting: WaitingPrompt | null;
    error: string | null;
    startedAt: string | null;
    endedAt: string | null;
    externalId: string | null;
    metadata: JsonObject | null;
    url: string;
  };
}

/** The status events of a batch that call webhooks, in seq order. */
export function statusNotices(events: readonly EventEnvelope[]): StatusNotice[] {
  const notices: StatusNotice[] = [];
  for (const env of events) {
    const e = env.event;
    if (e.type !== 'run.status' || !(NOTIFY_STATUSES as readonly RunStatus[]).includes(e.status)) continue;
    notices.push({ seq: env.seq, at: env.at, status: e.status as NotifyStatus, waiting: e.waiting ?? null, error: e.error ?? null });
  }
  return notices;
}

/** Status, prompt and error as of the notified event; the rest as the run is now. */
export function buildWebhookBody(run: WebhookRunSource, notice: StatusNotice): WebhookBody {
  const final = notice.status !== 'waiting';
  return {
    event: `run.${notice.status}`,
    seq: notice.seq,
    at: notice.at,
    run: {
      id: run.id,
      name: run.name,
      deck: run.deck,
      status: notice.status,
      waiting: notice.status === 'waiting' ? notice.waiting : null,
      error: notice.error ?? (final ? run.error : null),
      startedAt: run.startedAt ? run.startedAt.toISOString() : null,
      endedAt: final && run.endedAt ? run.endedAt.toISOString() : null,
      externalId: run.externalId,
      metadata: run.metadata,
      url: `/api/runs/${run.id}`,
    },
  };
}
