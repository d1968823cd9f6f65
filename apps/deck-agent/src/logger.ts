import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, the deck's name in every line. Secrets are redacted by key wherever a
 * caller might log them; Redis URLs are logged only through `redactUrl`.
 */
export function createLogger(deck: string, level: string): Logger {
  // Synchronous writes: lines stay in order and the last ones survive process.exit and crashes.
  const stdout = pino.destination({ dest: 1, sync: true });
  return pino({
    level,
    base: { deck, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['token', '*.token', 'password', '*.password', 'IVORYOS_DECK_TOKEN', '*.IVORYOS_DECK_TOKEN', 'REDIS_URL', '*.REDIS_URL'],
      censor: '[redacted]',
    },
  }, stdout);
}
