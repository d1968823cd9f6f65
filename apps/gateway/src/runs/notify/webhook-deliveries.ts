import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { WebhookDeliveryRecord, type WebhookDeliveryStatus } from '@ivoryos/db';

export interface NewDelivery {
  id: string;
  runId: string;
  seq: number;
  target: number;
  url: string;
  event: string;
}

export interface AttemptRecord {
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
}

/** The `webhook_delivery` table: which deliveries exist, and how their attempts went. */
@Injectable()
export class WebhookDeliveries {
  constructor(private readonly em: EntityManager) {}

  /**
   * Inserts the deliveries not recorded yet and returns their ids: a status event is announced to
   * each target once, even if its batch were seen twice.
   */
  async claim(deliveries: NewDelivery[]): Promise<Set<string>> {
    if (!deliveries.length) return new Set();
    const now = new Date();
    const placeholders = deliveries.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    const params = deliveries.flatMap((d) => [d.id, d.runId, d.seq, d.target, d.url, d.event, now]);
    const rows = await this.em.getConnection().execute<{ id: string }[]>(
      `insert into webhook_delivery (id, run_id, seq, target, url, event, created_at) values ${placeholders} on conflict (run_id, seq, target) do nothing returning id`,
      params,
    );
    return new Set(rows.map((r) => r.id));
  }

  async record(id: string, attempt: AttemptRecord): Promise<void> {
    await this.em.fork().nativeUpdate(WebhookDeliveryRecord, { id }, { ...attempt, lastAttemptAt: new Date() });
  }
}
