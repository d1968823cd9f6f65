import { z } from 'zod';
import { contractVersion } from './contract-version';
import { eventEnvelopeSchema } from './events';
import { jsonObject, jsonValue } from './json';
import { deckSchemaSchema } from './schema';
import { tracedBy } from './trace';

/** Identity of the agent process serving a deck. */
export const agentInfoSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  version: z.string(),
  /** ISO time the agent process started. */
  startedAt: z.string(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

export const DECK_ACTIVITIES = ['idle', 'busy'] as const;
export type DeckActivity = (typeof DECK_ACTIVITIES)[number];

const deck = z.string().min(1);

/**
 * Agent → gateway messages, XADDed to the deck's events stream (`streamKeys.events(deck)`)
 * as one field `m` holding the JSON. The gateway reads them with a consumer group, so each is
 * handled by exactly one gateway replica, and acknowledges after its database commit.
 */
export const agentMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('register'), schemaVersion: contractVersion, deck, schema: deckSchemaSchema, agent: agentInfoSchema, at: z.string() }),
  z.object({
    kind: z.literal('heartbeat'), schemaVersion: contractVersion, deck, agent: agentInfoSchema, status: z.enum(DECK_ACTIVITIES), schemaHash: z.string(), at: z.string(),
  }),
  z.object({ kind: z.literal('offline'), schemaVersion: contractVersion, deck, agent: agentInfoSchema, at: z.string() }),
  z.object({ kind: z.literal('run-event'), schemaVersion: contractVersion, envelope: eventEnvelopeSchema }),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

export type AgentMessageKind = AgentMessage['kind'];
/** Every agent message kind, so a consumer can check at boot that it handles each one. */
export const AGENT_MESSAGE_KINDS = ['register', 'heartbeat', 'offline', 'run-event'] as const satisfies readonly AgentMessageKind[];

/** The single stream-entry field that carries an AgentMessage's JSON. */
export const STREAM_FIELD = 'm';

/** Payload of a `direct.call` job: one instrument method, arguments already converted. */
export const directCallJobSchema = z.object({
  schemaVersion: contractVersion,
  callId: z.string().min(1),
  deck,
  /** `deck.<name>` as the schema names it. */
  instrument: z.string().min(1),
  action: z.string().min(1),
  kwargs: jsonObject,
  /** Epoch ms after which the call must not start (the caller has given up). */
  deadline: z.number(),
  calledBy: z.string().min(1),
  /** The dispatch span (W3C), parent of the agent's call span; absent when the gateway does not trace. */
  trace: tracedBy,
});
export type DirectCallJob = z.infer<typeof directCallJobSchema>;

/**
 * Why a direct call was not run by this delivery (`ran: false`):
 * - `deadline-passed`: the caller gave up before the call could start;
 * - `not-in-schema`: the instrument or action is not in the schema the agent registered;
 * - `invalid-arguments`: unknown or missing arguments for the action;
 * - `interrupted`: an earlier delivery of this call id started the driver call and the agent
 *   stopped before it ended; the outcome is unknown (`startedAt` is when it started).
 */
export const DIRECT_CALL_NOT_RUN = ['deadline-passed', 'not-in-schema', 'invalid-arguments', 'interrupted'] as const;
export type DirectCallNotRun = (typeof DIRECT_CALL_NOT_RUN)[number];

/**
 * Return value of a `direct.call` job. `ran: false` means this delivery did not call the driver
 * (`notRun` says why). A call id the agent already finished answers with the journaled result.
 */
export const directCallResultSchema = z.object({
  schemaVersion: contractVersion,
  callId: z.string().min(1),
  ran: z.boolean(),
  success: z.boolean(),
  output: jsonValue,
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Set exactly when `ran` is false. */
  notRun: z.enum(DIRECT_CALL_NOT_RUN).optional(),
  /** The agent's call span (W3C), parent of the gateway's recording span; absent when the agent does not trace. */
  trace: tracedBy,
});
export type DirectCallResult = z.infer<typeof directCallResultSchema>;
