import { ConnectionException, DriverException } from '@mikro-orm/core';
import { HttpStatus } from '@nestjs/common';

export interface DatabaseErrorAnswer {
  status: HttpStatus;
  message: string;
  /** Sent as Retry-After with a 503. */
  retryAfterSeconds?: number;
}

/** How long a client should wait before trying again while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE: DatabaseErrorAnswer = {
  status: HttpStatus.SERVICE_UNAVAILABLE,
  message: 'The database is unavailable; try again shortly',
  retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
};

/**
 * PostgreSQL being unreachable, refusing connections or dropping them is a 503 with Retry-After
 * (try again), not a 500. Constraint violations that slip past service checks (races) are 409s.
 */
export function describeDatabaseError(err: unknown): DatabaseErrorAnswer | undefined {
  if (err instanceof ConnectionException || isConnectionClass(err) || isConnectionLost(err)) return UNAVAILABLE;
  if (err instanceof DriverException && sqlState(err) === '23505') {
    return { status: HttpStatus.CONFLICT, message: 'A record with the same unique value already exists' };
  }
  return undefined;
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * SQLSTATEs that say "this connection cannot be had or kept now", not "this request is wrong":
 * class 08 (connection exception), 57P0x (server shutting down, crashed, starting up: 57P01
 * admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), 53300 (too many connections),
 * 57014 (our statement_timeout cancelled a query the database could not finish in time), and
 * 55000 when PostgreSQL ends the session with it (FATAL: the database is not accepting
 * connections); 55000 on a statement is an ordinary error of that statement.
 */
function isConnectionClass(err: unknown): boolean {
  const code = sqlState(err);
  if (code === undefined) return false;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE') return true;
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '57014') return true;
  return code === '55000' && (err as { severity?: unknown }).severity === 'FATAL';
}

/**
 * A pooled connection that died with its server (or the network to it) fails the next query with
 * node-postgres' own message and no SQLSTATE; MikroORM wraps it in a DriverException whose message
 * ends with it. A pool that cannot get a connection in time says so too.
 */
const LOST_CONNECTION = /Connection terminated|Connection ended unexpectedly|not queryable|timeout exceeded when trying to connect|Timeout acquiring a connection|Query read timeout/i;

function isConnectionLost(err: unknown): boolean {
  return err instanceof Error && LOST_CONNECTION.test(err.message);
}
