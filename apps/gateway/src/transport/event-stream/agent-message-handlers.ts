import { AGENT_MESSAGE_KINDS, agentInfoSchema, agentMessageSchema, checkMessage, type AgentInfo, type AgentMessage, type AgentMessageKind } from '@ivoryos/contracts';

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
export type AgentMessageHandlers = { [K in Exclude<AgentMessageKind, 'run-event'>]: AgentMessageHandler<K> } & {
  'run-event': RunEventBatchHandler;
  /** A registration of another contract version: the agent is told why it is not served. */
  'refused-registration': (refusal: RefusedRegistration) => Promise<void>;
};

/** Every handler the consumer needs: one per message kind, and the refusal of a registration. */
export const AGENT_MESSAGE_HANDLER_NAMES = [...AGENT_MESSAGE_KINDS, 'refused-registration'] as const;

/** Injection token of the AgentMessageHandlers the consumer dispatches to. */
export const AGENT_MESSAGE_HANDLERS = Symbol('AGENT_MESSAGE_HANDLERS');

/** Throws (failing the boot) when a message kind has no handler: its messages would be acknowledged unread. */
export function assertCompleteHandlers(handlers: Partial<Record<(typeof AGENT_MESSAGE_HANDLER_NAMES)[number], unknown>>): asserts handlers is AgentMessageHandlers {
  const missing = AGENT_MESSAGE_HANDLER_NAMES.filter((kind) => typeof handlers[kind] !== 'function');
  if (missing.length) throw new Error(`no handler for agent message kind(s) ${missing.map((k) => `'${k}'`).join(', ')}: refusing to start`);
}

/** A registration of a contract version this gateway does not speak: whom to tell, and why. */
export interface RefusedRegistration {
  deck: string;
  agent: Pick<AgentInfo, 'pid' | 'host' | 'startedAt'>;
  /** Null: the agent names no version (it predates versioned contracts). */
  agentSpeaks: number[] | null;
  gatewaySpeaks: number[];
  reason: string;
}

export type AgentMessageRead = { ok: true; message: AgentMessage } | { ok: false; error: string; refusal?: RefusedRegistration };

/** One stream entry checked against the shared contract; a registration of another version comes back as a refusal. */
export function readAgentMessage(text: string | undefined): AgentMessageRead {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { ok: false, error: 'payload: not JSON' };
  }
  const checked = checkMessage(agentMessageSchema, value);
  if (checked.ok) return { ok: true, message: checked.value };
  const error = checked.errors.join('; ');
  const raw = value as Record<string, unknown>;
  const agent = agentInfoSchema.safeParse(raw?.agent);
  if (!checked.version || raw.kind !== 'register' || typeof raw.deck !== 'string' || !agent.success) return { ok: false, error };
  const { theirs, ours } = checked.version;
  const reason = `the agent speaks contract version ${theirs ?? 'none (it predates versioned contracts)'}; this gateway speaks ${ours.join(', ')}: ` +
    'run an agent of the same release as the gateway';
  return { ok: false, error, refusal: { deck: raw.deck, agent: agent.data, agentSpeaks: theirs === null ? null : [theirs], gatewaySpeaks: [...ours], reason } };
}
