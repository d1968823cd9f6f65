import { ConnectionException, DriverException } from '@mikro-orm/core';
import { HttpStatus } from '@nestjs/common';

/**
 * PostgreSQL being unreachable is a 503 (try again), not a 500. Constraint violations that
 * slip past service checks (races) are 409s.
 */
export function describeDatabaseError(err: unknown): { status: HttpStatus; message: string } | undefined {
  if (err instanceof ConnectionException || isConnectionRefused(err) || isConnectionLost(err)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' };
  }
  if (err instanceof DriverException) {
    const code = (err as DriverException & { code?: string }).code;
    if (code === '23505') return { status: HttpStatus.CONFLICT, message: 'A record with the same unique value already exists' };
    // 57014: our statement_timeout cancelled a query the database could not finish in time.
    if (code === '57P01' || code === '57P03' || code === '08006' || code === '08001' || code === '57014') {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' };
    }
  }
  return undefined;
}

function isConnectionRefused(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === '57P01';
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
