import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import type { EventEnvelope, RunStatus } from '@ivoryos/contracts';

/** What one committed ingestion batch changed for one run. */
export interface RunUpdate {
  runId: string;
  deck: string;
  name: string;
  /** Events applied, in seq order. */
  events: EventEnvelope[];
  /** Status after the batch, and whether the batch changed it. */
  status: RunStatus;
  statusChanged: boolean;
  lastSeq: number;
}

/**
 * In-process notifications after an ingestion commit: the dispatcher, live views, webhooks and
 * file mirrors subscribe here. Nothing here is a source of truth: all of them read PostgreSQL.
 */
@Injectable()
export class RunUpdates {
  readonly committed = new Subject<RunUpdate>();
  /** This process, in the updates it also publishes to other replicas: its own come back and are ignored. */
  readonly origin = randomUUID();
}
