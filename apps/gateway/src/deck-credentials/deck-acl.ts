import { DECK_NAME_PATTERN, DECK_SET_KEY, deckKeyPatterns, deckRedisUser } from '@ivoryos/contracts';

/** What ioredis sends on connecting: its ready check (also BullMQ's version check), the connection name, the database. */
export const CONNECTION_COMMANDS = ['info', 'client|setname', 'select'] as const;

/** The agent's own traffic: events stream, command stream, confirmations. */
export const AGENT_STREAM_COMMANDS = ['xadd', 'xrange', 'xinfo|groups', 'xread', 'xrevrange', 'hget', 'hdel'] as const;

/**
 * BullMQ's worker: its Lua scripts (every command a script calls is checked against this user's
 * commands and keys too), the marker it blocks on, the rate limiter key. deck-acl.spec.ts reads
 * the worker's scripts in node_modules and fails when a BullMQ upgrade calls something new.
 * EVAL stays: ioredis sends a script's first call on each connection as EVAL, not EVALSHA. Scripts
 * still reach only this user's keys, but a script that never ends would block Redis for every deck.
 */
export const BULLMQ_WORKER_COMMANDS = [
  'evalsha', 'eval', 'bzpopmin',
  'get', 'set', 'del', 'exists', 'incr', 'pexpire', 'pttl',
  'hget', 'hset', 'hdel', 'hmget', 'hmset', 'hgetall', 'hincrby',
  'lpush', 'rpush', 'llen', 'lrange', 'lrem', 'ltrim', 'rpoplpush',
  'sadd', 'srem', 'scard', 'smembers',
  'zadd', 'zcard', 'zpopmin', 'zrange', 'zrangebyscore', 'zrem', 'zremrangebyrank', 'zremrangebyscore', 'zrevrange', 'zrevrangebyscore', 'zscore',
  'xadd', 'xtrim',
] as const;

/**
 * Everything an agent's connections may run, on its own keys only. The end-to-end test runs the
 * real agent and worker under it and expects an empty `ACL LOG`. Nothing keyless that reaches other
 * data or the server (keys, scan, flushall, publish, config, acl, client kill, script flush).
 */
export const DECK_AGENT_COMMANDS: readonly string[] = [...new Set([...CONNECTION_COMMANDS, ...AGENT_STREAM_COMMANDS, ...BULLMQ_WORKER_COMMANDS])];

/**
 * `ACL SETUSER` arguments for a deck's agent: on, password given by its hash only, its own key
 * patterns, no pub/sub channels, only DECK_AGENT_COMMANDS; plus a selector that may only SADD
 * its name to the shared deck set (it cannot read or remove other decks' names).
 */
export function deckAclRules(deck: string, tokenHash: string): string[] {
  if (!DECK_NAME_PATTERN.test(deck)) throw new Error(`invalid deck name '${deck}'`);
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) throw new Error('a deck token hash is 64 hex characters');
  return [
    deckRedisUser(deck), 'reset', 'on', `#${tokenHash}`,
    'resetkeys', ...deckKeyPatterns(deck).map((p) => `~${p}`),
    'resetchannels',
    '-@all', ...DECK_AGENT_COMMANDS.map((c) => `+${c}`),
    `(%W~${DECK_SET_KEY} +sadd)`,
  ];
}
