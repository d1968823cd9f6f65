import { AGENT_MESSAGE_KINDS, type AgentMessage, type AgentMessageKind } from '@ivoryos/contracts';

export type AgentMessageOf<K extends AgentMessageKind> = Extract<AgentMessage, { kind: K }>;
export type RunEventMessage = AgentMessageOf<'run-event'>;

/** Handles one message; throws when it failed, so the entry stays unacknowledged and is retried. */
export type AgentMessageHandler<K extends AgentMessageKind> = (message: AgentMessageOf<K>) => Promise<void>;

/**
 * Applies a batch read from `deck`'s stream in order; returns how many leading messages are done
 * (the rest are retried later). Run events are applied in batches: one transaction for many events
 * is what keeps ingestion fast.
 */
export type RunEventBatchHandler = (deck: string, messages: RunEventMessage[]) => Promise<number>;

/**
 * One handler per agent message kind, injected into the event-stream consumer. A mapped type, so
 * leaving a kind out fails to compile; `assertCompleteHandlers` checks the same at boot for what
 * the compiler cannot see (a factory returning a partial object through a cast).
 */
export type AgentMessageHandlers = { [K in Exclude<AgentMessageKind, 'run-event'>]: AgentMessageHandler<K> } & { 'run-event': RunEventBatchHandler };

/** Injection token of the AgentMessageHandlers the consumer dispatches to. */
export const AGENT_MESSAGE_HANDLERS = Symbol('AGENT_MESSAGE_HANDLERS');

/** Throws (failing the boot) when a message kind has no handler: its messages would be acknowledged unread. */
export function assertCompleteHandlers(handlers: Partial<Record<AgentMessageKind, unknown>>): asserts handlers is AgentMessageHandlers {
  const missing = AGENT_MESSAGE_KINDS.filter((kind) => typeof handlers[kind] !== 'function');
  if (missing.length) throw new Error(`no handler for agent message kind(s) ${missing.map((k) => `'${k}'`).join(', ')}: refusing to start`);
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
