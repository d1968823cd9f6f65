import { Injectable, Logger } from '@nestjs/common';
import type { AgentMessage, AgentMessageKind } from '@ivoryos/contracts';

type Handler<K extends AgentMessageKind> = (message: Extract<AgentMessage, { kind: K }>) => Promise<void>;
type RunEventMessage = Extract<AgentMessage, { kind: 'run-event' }>;
/**
 * Applies a batch read from `deck`'s stream in order; returns how many leading messages are done
 * (the rest are retried later).
 */
export type RunEventBatchHandler = (deck: string, messages: RunEventMessage[]) => Promise<number>;

/**
 * Routes messages read from the decks' event streams to the module that owns each kind
 * (registry: register/heartbeat/offline; runs: run-event).
 */
@Injectable()
export class AgentMessageRouter {
  private readonly logger = new Logger(AgentMessageRouter.name);
  private readonly handlers = new Map<AgentMessageKind, Handler<AgentMessageKind>>();

  private runEvents?: RunEventBatchHandler;

  on<K extends Exclude<AgentMessageKind, 'run-event'>>(kind: K, handler: Handler<K>): void {
    this.handlers.set(kind, handler as unknown as Handler<AgentMessageKind>);
  }

  /** Run events are applied in batches: one transaction for many events is what keeps ingestion fast. */
  onRunEvents(handler: RunEventBatchHandler): void {
    this.runEvents = handler;
  }

  async dispatchRunEvents(deck: string, messages: RunEventMessage[]): Promise<number> {
    if (!this.runEvents) {
      this.logger.warn(`no run-event handler; ${messages.length} dropped`);
      return messages.length;
    }
    return this.runEvents(deck, messages);
  }

  /** Throws when the handler fails, so the caller leaves the entry unacknowledged. */
  async dispatch(message: AgentMessage): Promise<void> {
    const handler = this.handlers.get(message.kind);
    if (!handler) {
      this.logger.warn(`no handler for agent message kind '${message.kind}'; dropped`);
      return;
    }
    await handler(message);
  }
}

/** Parse and shape-check one stream entry; undefined for what is not an agent message. */
export function parseAgentMessage(text: string | undefined): AgentMessage | undefined {
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const m = value as Record<string, unknown>;
  switch (m.kind) {
    case 'register':
      return typeof m.deck === 'string' && isObject(m.schema) && isObject(m.agent) ? (m as unknown as AgentMessage) : undefined;
    case 'heartbeat':
      return typeof m.deck === 'string' && isObject(m.agent) && (m.status === 'idle' || m.status === 'busy') ? (m as unknown as AgentMessage) : undefined;
    case 'offline':
      return typeof m.deck === 'string' ? (m as unknown as AgentMessage) : undefined;
    case 'run-event':
      return isObject(m.envelope) ? (m as unknown as AgentMessage) : undefined;
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
