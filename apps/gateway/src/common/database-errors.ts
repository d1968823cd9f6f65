import { ConnectionException, DriverException } from '@mikro-orm/core';
import { HttpStatus } from '@nestjs/common';

/**
 * PostgreSQL being unreachable is a 503 (try again), not a 500. Constraint violations that
 * slip past service checks (races) are 409s.
 */
export function describeDatabaseError(err: unknown): { status: HttpStatus; message: string } | undefined {
  if (err instanceof ConnectionException || isConnectionRefused(err)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' };
  }
  if (err instanceof DriverException) {
    const code = (err as DriverException & { code?: string }).code;
    if (code === '23505') return { status: HttpStatus.CONFLICT, message: 'A record with the same unique value already exists' };
    if (code === '57P01' || code === '57P03' || code === '08006' || code === '08001') {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable; try again shortly' };
    }
  }
  return undefined;
}

function isConnectionRefused(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === '57P01';
}
