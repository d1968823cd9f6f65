import type { EventEnvelope } from './events';
import type { JsonObject, JsonValue } from './json';
import type { DeckSchema } from './schema';

/** Identity of the agent process serving a deck. */
export interface AgentInfo {
  pid: number;
  host: string;
  version: string;
  /** ISO time the agent process started. */
  startedAt: string;
}

export type DeckActivity = 'idle' | 'busy';

/**
 * Agent → gateway messages, XADDed to the deck's events stream (`streamKeys.events(deck)`)
 * as one field `m` holding the JSON. The gateway reads them with a consumer group, so each is
 * handled by exactly one gateway replica, and acknowledges after its database commit.
 */
export type AgentMessage =
  | { kind: 'register'; deck: string; schema: DeckSchema; agent: AgentInfo; at: string }
  | { kind: 'heartbeat'; deck: string; agent: AgentInfo; status: DeckActivity; schemaHash: string; at: string }
  | { kind: 'offline'; deck: string; agent: AgentInfo; at: string }
  | { kind: 'run-event'; envelope: EventEnvelope };

export type AgentMessageKind = AgentMessage['kind'];

/** The single stream-entry field that carries an AgentMessage's JSON. */
export const STREAM_FIELD = 'm';

/** Payload of a `direct.call` job: one instrument method, arguments already converted. */
export interface DirectCallJob {
  callId: string;
  deck: string;
  /** `deck.<name>` as the schema names it. */
  instrument: string;
  action: string;
  kwargs: JsonObject;
  /** Epoch ms after which the call must not start (the caller has given up). */
  deadline: number;
  calledBy: string;
}

/** Return value of a `direct.call` job. `ran: false` means it was never started (deadline passed). */
export interface DirectCallResult {
  callId: string;
  ran: boolean;
  success: boolean;
  output: JsonValue;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
}
