import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_CONSUMER_GROUP, STREAM_FIELD } from '@ivoryos/contracts';
import type { DeckCredentialsService } from '../../deck-credentials/deck-credentials.service';
import { readAgentMessage, type AgentMessageHandlers, type AgentMessageRead, type RunEventMessage } from './agent-message-handlers';
import { GapFiller } from './gap-filler';
import type { RetrySchedule } from './retry-schedule';
import { fieldValue, type StreamEntry } from './stream-entries';

export type RunEventEntry = { id: string; message: RunEventMessage };

/** Refusals are logged at most this often per deck: an agent without a token sends a heartbeat every few seconds. */
const REFUSAL_LOG_MS = 60_000;

/**
 * Hands entries read from one deck's stream to their kind's handler, in order, and acknowledges
 * each only after its handler (and its commit) succeeded. Consecutive run events go to the run
 * handler as one batch.
 */
export class EntryDispatcher {
  private readonly refusalLogged = new Map<string, number>();
  private readonly gaps: GapFiller;
  /** Handler failures so far; tells the claimer whether its retry round failed again. */
  failures = 0;

  constructor(
    private readonly redis: Redis,
    private readonly handlers: AgentMessageHandlers,
    private readonly credentials: DeckCredentialsService,
    private readonly retries: RetrySchedule,
    private readonly logger: Logger,
  ) {
    this.gaps = new GapFiller(redis, (key, deck, batch) => this.applyRunEvents(key, deck, batch), logger);
  }

  async handleEntries(key: string, deck: string, entries: StreamEntry[]): Promise<void> {
    if (!entries.length) return;
    // A deck's stream speaks for that deck only: its Redis user can write nowhere else.
    const accepted = await this.attempt(key, entries[0][0], async () => ((await this.credentials.accepts(deck)) ? 1 : 0));
    if (accepted === undefined) return;
    if (!accepted) {
      this.logRefusal(deck, `deck ${deck} has no token and tokens are required: ${entries.length} message(s) ignored; an admin issues one with POST /api/decks/${deck}/token`);
      await this.redis.xack(key, EVENT_CONSUMER_GROUP, ...entries.map(([id]) => id));
      return;
    }
    const isRunEvent = (read: AgentMessageRead): read is { ok: true; message: RunEventMessage } => read.ok && read.message.kind === 'run-event';
    let i = 0;
    while (i < entries.length) {
      const read = readAgentMessage(fieldValue(entries[i][1], STREAM_FIELD));
      if (isRunEvent(read)) {
        // Consecutive run events go to the ingestor together.
        const batch: RunEventEntry[] = [{ id: entries[i][0], message: read.message }];
        i++;
        while (i < entries.length) {
          const next = readAgentMessage(fieldValue(entries[i][1], STREAM_FIELD));
          if (!isRunEvent(next)) break;
          batch.push({ id: entries[i][0], message: next.message });
          i++;
        }
        const done = await this.applyRunEvents(key, deck, batch);
        if (done === undefined) return;
        if (done < batch.length) {
          // A gap in a run's seq: fill it from the entries pending before this batch, then try the rest once more.
          // Otherwise the rest stays pending until the missing events arrive (the agent re-sends what Redis lost).
          const rest = batch.slice(done);
          if (!(await this.gaps.fill(key, deck, rest[0]))) return;
          const again = await this.applyRunEvents(key, deck, rest);
          if (again === undefined || again < rest.length) return;
        }
        continue;
      }
      const [id] = entries[i];
      const handled = await this.attempt(key, id, async () => {
        if (!read.ok) {
          if (read.refusal?.deck === deck) await this.handlers['refused-registration'](read.refusal);
          // Dropping is safe for run events too: the agent keeps them in its journal until they are confirmed.
          else this.logRefusal(deck, `unreadable entry ${id} on ${key} dropped: ${read.error}`);
          return 1;
        }
        const message = read.message;
        if (message.kind === 'run-event') return 1; // unreachable: run events went to the batch above
        if (message.deck !== deck) this.logRefusal(deck, `entry ${id} on ${key} speaks for deck '${message.deck}'; dropped`);
        else if (message.kind === 'register') await this.handlers.register(message);
        else if (message.kind === 'heartbeat') await this.handlers.heartbeat(message);
        else await this.handlers.offline(message);
        return 1;
      });
      if (handled === undefined) return;
      await this.redis.xack(key, EVENT_CONSUMER_GROUP, id);
      i++;
    }
  }

  /** Applies run events in order and acknowledges the leading ones applied; how many, or undefined on failure. */
  private async applyRunEvents(key: string, deck: string, batch: RunEventEntry[]): Promise<number | undefined> {
    const done = await this.attempt(key, batch[0].id, () => this.handlers['run-event'](deck, batch.map((b) => b.message)));
    if (done) await this.redis.xack(key, EVENT_CONSUMER_GROUP, ...batch.slice(0, done).map((b) => b.id));
    return done;
  }

  /**
   * Runs a handler; a failure leaves the entries pending and schedules a retry (the claimer also
   * takes them once idle long enough, from a replica that died).
   */
  private async attempt(key: string, id: string, fn: () => Promise<number>): Promise<number | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn(`entry ${id} on ${key} not handled yet: ${err instanceof Error ? err.message : String(err)}`);
      this.failures++;
      this.retries.failed(key);
      return undefined;
    }
  }

  private logRefusal(deck: string, message: string): void {
    const now = Date.now();
    if (now - (this.refusalLogged.get(deck) ?? -Infinity) < REFUSAL_LOG_MS) return;
    this.refusalLogged.set(deck, now);
    this.logger.warn(message);
  }
}
