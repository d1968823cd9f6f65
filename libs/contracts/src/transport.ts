import type { DirectCallJob } from './agent';
import type { RunJob } from './run-transport';

/**
 * Names of everything that crosses Redis, declared once. BullMQ queue names may not contain `:`,
 * so decks are separated with a dot there.
 */
export const QUEUE_PREFIX = 'ivoryos';

/** BullMQ key prefix, so every key of ours starts with `ivoryos:` (one ACL pattern per deck later). */
export const BULL_PREFIX = QUEUE_PREFIX;

export const queueNames = {
  /** Per-deck BullMQ queue: "accept run X" and direct calls, each done at most once. */
  deck: (deck: string) => `deck.${deck}`,
} as const;

export const jobNames = {
  runAccept: 'run.accept',
  directCall: 'direct.call',
} as const;
export type JobName = (typeof jobNames)[keyof typeof jobNames];

/** The payload of each job kind on a deck's queue; its result is checked by the receiver (see agent.ts). */
export interface DeckJobs {
  'run.accept': RunJob;
  'direct.call': DirectCallJob;
}
export type DeckJobData = DeckJobs[JobName];

export const streamKeys = {
  /** Agent → gateway: run events, consumed with a consumer group by the gateway. */
  events: (deck: string) => `${QUEUE_PREFIX}:deck:${deck}:events`,
  /** Gateway → agent: durable controls (pause, resume, retry, skip, stop, input). */
  commands: (deck: string) => `${QUEUE_PREFIX}:deck:${deck}:commands`,
  /**
   * Gateway → agent: hash runId → highest seq committed to PostgreSQL in order. The agent trims
   * its journal outbox up to it, and re-sends what is above it after a reconnect.
   */
  confirmed: (deck: string) => `${QUEUE_PREFIX}:deck:${deck}:confirmed`,
} as const;

export const channelNames = {
  /**
   * Gateway → gateways: `{ runId, deck, lastSeq }` after each ingestion commit, so live views on
   * every replica read the new events from PostgreSQL. Losing one only delays a view.
   */
  runUpdates: `${QUEUE_PREFIX}:run-updates`,
} as const;

export const EVENT_CONSUMER_GROUP = 'gateway';

/** Set of deck names whose agents have registered; the gateway watches their event streams. */
export const DECK_SET_KEY = `${QUEUE_PREFIX}:decks`;

/** Deck names go into queue names, stream keys, Redis ACL users and URLs. */
export const DECK_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The Redis ACL user a deck's agent connects as, with its deck token as password. The gateway
 * creates it from PostgreSQL; it reaches only the key patterns below.
 */
export const deckRedisUser = (deck: string) => `deck_${deck}`;

/**
 * Every Redis key of one deck: its streams and hashes (`ivoryos:deck:<deck>:*`) and its BullMQ
 * queue (`ivoryos:deck.<deck>:*`). Deck names hold no glob characters, `:` or `.`, so no
 * deck's patterns match another deck's keys.
 */
export const deckKeyPatterns = (deck: string): string[] => [`${QUEUE_PREFIX}:deck:${deck}:*`, `${BULL_PREFIX}:${queueNames.deck(deck)}:*`];

/**
 * Folder in the agent's data directory with one file per deck, named after the deck, holding
 * that deck's token (one line): `<dataDir>/deck-tokens/<deck>`.
 */
export const DECK_TOKENS_DIR = 'deck-tokens';

/**
 * The single token file used before per-deck files. It does not say which deck it is for, so an
 * agent never reads it; the development gateway moves it to `deck-tokens/<deck>` when the token's
 * hash matches a deck's issued credential.
 */
export const LEGACY_DECK_TOKEN_FILE = 'deck-token';
