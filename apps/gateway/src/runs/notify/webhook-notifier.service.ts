import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subject, type Subscription } from 'rxjs';
import { WorkflowRun } from '@ivoryos/db';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { version } from '../../version';
import { RunUpdates, type RunUpdate } from '../ingest/run-updates';
import { parseWebhookAllowList, type WebhookAllowEntry } from './webhook-allow';
import { classifyAttempt, retryDelayMs, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS, type AttemptOutcome } from './webhook-backoff';
import { WebhookDeliveries, type NewDelivery } from './webhook-deliveries';
import { buildWebhookBody, statusNotices, type WebhookEventName } from './webhook-payload';
import { resolveWebhookSecret, type WebhookSecret } from './webhook-secret';
import { postWebhook } from './webhook-sender';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody } from './webhook-signature';
import { TaskPool } from './task-pool';

const CONCURRENCY = 4;
const BACKLOG = 1000;

interface Delivery {
  id: string;
  runId: string;
  event: WebhookEventName;
  url: string;
  /** Serialised once: every attempt sends, and signs, the same bytes. */
  body: string;
  attempt: number;
}

/** How a delivery ended, or one attempt of it went (`retrying`). */
export interface DeliveryResult {
  deliveryId: string;
  runId: string;
  event: WebhookEventName;
  url: string;
  attempt: number;
  result: 'delivered' | 'retrying' | 'failed' | 'refused' | 'dropped';
  status?: number;
  error?: string;
}

/**
 * Calls a run's `notify` URLs when its status becomes waiting, completed, failed or stopped.
 * Fed by this process's ingestion commits (each batch is ingested once, so each status change is
 * announced once); delivered in the background with bounded concurrency, never holding up
 * ingestion; retried with backoff on network errors, 5xx and 429. Deliveries waiting for a retry
 * are lost if the process stops (logged).
 */
@Injectable()
export class WebhookNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly pool = new TaskPool(CONCURRENCY, BACKLOG);
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly allow: WebhookAllowEntry[];
  private secret: WebhookSecret | null = null;
  private subscription?: Subscription;
  /** Every attempt's result, for tests and, later, metrics. */
  readonly results = new Subject<DeliveryResult>();

  constructor(
    private readonly em: EntityManager,
    private readonly updates: RunUpdates,
    private readonly deliveries: WebhookDeliveries,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.allow = parseWebhookAllowList(config.env.IVORYOS_WEBHOOK_ALLOW);
  }

  onModuleInit(): void {
    this.secret = resolveWebhookSecret(this.config);
    if (!this.secret) this.logger.warn('IVORYOS_WEBHOOK_SECRET is not set: run webhooks will not be sent');
    else if (this.secret.source !== 'env') this.logger.log(`webhooks are signed with the secret in ${this.secret.source}`);
    this.subscription = this.updates.committed.subscribe((u) => {
      this.announce(u).catch((err: Error) => this.logger.warn(`webhooks of run ${u.runId}: ${err.message}`));
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    for (const t of this.retries) clearTimeout(t);
    const lost = this.retries.size + this.pool.clear();
    if (lost) this.logger.warn(`${lost} webhook deliveries abandoned at shutdown`);
    this.retries.clear();
  }

  /** Resolves once no delivery is running, queued or waiting for a retry (tests). */
  async idle(): Promise<void> {
    while (this.pool.pending || this.retries.size) await (this.pool.pending ? this.pool.idle() : new Promise((r) => setTimeout(r, 50)));
  }

  /** Queues the webhooks of a committed batch; a status event already announced to a target is skipped. */
  async announce(u: RunUpdate): Promise<void> {
    const notices = statusNotices(u.events);
    if (!notices.length) return;
    const run = await this.em.fork().findOne(
      WorkflowRun,
      { id: u.runId },
      { fields: ['id', 'name', 'deck', 'error', 'externalId', 'metadata', 'startedAt', 'endedAt', 'notify'], disableIdentityMap: true },
    );
    const urls = run?.notify ?? [];
    if (!run || !urls.length) return;
    const planned: (Delivery & NewDelivery)[] = notices.flatMap((notice) => {
      const body = JSON.stringify(buildWebhookBody(run, notice));
      const event: WebhookEventName = `run.${notice.status}`;
      return urls.map((url, target) => ({ id: randomUUID(), runId: run.id, seq: notice.seq, target, url, event, body, attempt: 1 }));
    });
    let claimed: Set<string>;
    try {
      claimed = await this.deliveries.claim(planned);
    } catch (err) {
      // Announcing matters more than its record: send anyway.
      this.logger.warn(`recording webhooks of run ${run.id}: ${(err as Error).message}`);
      claimed = new Set(planned.map((d) => d.id));
    }
    for (const d of planned) if (claimed.has(d.id)) this.enqueue({ id: d.id, runId: d.runId, event: d.event, url: d.url, body: d.body, attempt: 1 });
  }

  private enqueue(d: Delivery): void {
    if (!this.pool.push(() => this.attempt(d))) this.report(d, 'dropped', { error: `more than ${BACKLOG} deliveries waiting` });
  }

  private async attempt(d: Delivery): Promise<void> {
    if (!this.secret) return this.report(d, 'failed', { error: 'IVORYOS_WEBHOOK_SECRET is not set' });
    const outcome: AttemptOutcome = await postWebhook({
      url: d.url,
      body: d.body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      allow: this.allow,
      headers: {
        'User-Agent': `IvoryOS-TS/${version}`,
        [SIGNATURE_HEADER]: signWebhookBody(this.secret.secret, d.body),
        [EVENT_HEADER]: d.event,
        // The same id on every attempt, so a receiver can tell a retry from a new event.
        [DELIVERY_HEADER]: d.id,
      },
    });
    const verdict = classifyAttempt(outcome);
    const detail = outcome.kind === 'response' ? { status: outcome.status } : { error: outcome.kind === 'refused' ? outcome.reason : outcome.error };
    if (verdict === 'delivered') return this.report(d, 'delivered', detail);
    if (outcome.kind === 'refused') return this.report(d, 'refused', detail);
    const delay = verdict === 'retry' ? retryDelayMs(d.attempt) : undefined;
    if (delay === undefined) return this.report(d, 'failed', detail);
    this.report(d, 'retrying', detail, new Date(Date.now() + delay));
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueue({ ...d, attempt: d.attempt + 1 });
    }, delay);
    this.retries.add(timer);
  }

  private report(d: Delivery, result: DeliveryResult['result'], detail: { status?: number; error?: string }, retryAt?: Date): void {
    this.deliveries
      .record(d.id, {
        status: result === 'retrying' ? 'pending' : result,
        // A dropped attempt was never made.
        attempts: result === 'dropped' ? d.attempt - 1 : d.attempt,
        lastStatusCode: detail.status ?? null,
        lastError: detail.error ?? null,
        nextAttemptAt: retryAt ?? null,
      })
      .catch((err: Error) => this.logger.warn(`recording webhook delivery ${d.id}: ${err.message}`));
    const r: DeliveryResult = { deliveryId: d.id, runId: d.runId, event: d.event, url: d.url, attempt: d.attempt, result, ...detail };
    const what = `webhook ${d.event} of run ${d.runId} to ${withoutQuery(d.url)} (delivery ${d.id}, attempt ${d.attempt}/${WEBHOOK_MAX_ATTEMPTS})`;
    const why = detail.status !== undefined ? `HTTP ${detail.status}` : detail.error ?? '';
    if (result === 'delivered') this.logger.log(`${what}: delivered, ${why}`);
    else this.logger.warn(`${what}: ${result}${why ? `, ${why}` : ''}`);
    this.results.next(r);
  }
}

/** Receivers often put a token in the query string; it stays out of the log. */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
