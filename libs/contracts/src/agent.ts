import type { EventEnvelope } from './events';
import type { JsonObject, JsonValue } from './json';
import type { DeckSchema } from './schema';
import type { TraceContext } from './trace';

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
/** Every agent message kind, so a consumer can check at boot that it handles each one. */
export const AGENT_MESSAGE_KINDS = ['register', 'heartbeat', 'offline', 'run-event'] as const satisfies readonly AgentMessageKind[];

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
  /** The dispatch span (W3C), parent of the agent's call span; absent when the gateway does not trace. */
  trace?: TraceContext | null;
}

/**
 * Why a direct call was not run by this delivery (`ran: false`):
 * - `deadline-passed`: the caller gave up before the call could start;
 * - `not-in-schema`: the instrument or action is not in the schema the agent registered;
 * - `invalid-arguments`: unknown or missing arguments for the action;
 * - `interrupted`: an earlier delivery of this call id started the driver call and the agent
 *   stopped before it ended; the outcome is unknown (`startedAt` is when it started).
 */
export type DirectCallNotRun = 'deadline-passed' | 'not-in-schema' | 'invalid-arguments' | 'interrupted';

/**
 * Return value of a `direct.call` job. `ran: false` means this delivery did not call the driver
 * (`notRun` says why). A call id the agent already finished answers with the journaled result.
 */
export interface DirectCallResult {
  callId: string;
  ran: boolean;
  success: boolean;
  output: JsonValue;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Set exactly when `ran` is false. */
  notRun?: DirectCallNotRun;
  /** The agent's call span (W3C), parent of the gateway's recording span; absent when the agent does not trace. */
  trace?: TraceContext | null;
}
