import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'refused', 'dropped'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One webhook call for one run status event and one of the run's `notify` URLs (by its index):
 * unique per (run, seq, target), so a status change is announced to each URL at most once even if
 * its batch were seen twice. Records how the attempts went.
 */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['runId', 'seq', 'target'] })
export class WebhookDeliveryRecord {
  [OptionalProps]?: 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'createdAt' | 'lastAttemptAt' | 'nextAttemptAt';

  /** Sent as X-IvoryOS-Delivery, the same on every attempt. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  runId!: string;

  /** Ledger seq of the status event announced. */
  @Property({ type: 'integer' })
  seq!: number;

  /** Index of the URL in the run's `notify` list. */
  @Property({ type: 'smallint' })
  target!: number;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'string', length: 32 })
  event!: string;

  @Property({ type: 'string', length: 16 })
  @Index()
  status: WebhookDeliveryStatus = 'pending';

  @Property({ type: 'smallint' })
  attempts = 0;

  /** HTTP status of the last answer. */
  @Property({ type: 'smallint', nullable: true })
  lastStatusCode: number | null = null;

  /** Network error, timeout or refusal of the last attempt. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null = null;

  /** When the next retry is due; null once the delivery is settled. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;
}
