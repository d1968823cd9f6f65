import { DriverException } from '@mikro-orm/core';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import type { ErrorBody } from '@ivoryos/contracts';
import { DomainError } from './domain-errors';
import { describeDatabaseError } from './database-errors';

/** Every error leaves as an ErrorBody; unexpected ones get an id that points into the log. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = this.toBody(exception);
    const retryAfter = body.statusCode === 503 ? describeDatabaseError(exception)?.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        ...exception.details,
        statusCode: exception.status,
        error: reason(exception.status),
        message: exception.message,
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : messageOf(response) ?? exception.message;
      // Nest's own 400s (multipart parsing) concern the body; every 400 names where the problem is.
      return { statusCode: status, error: reason(status), message, ...(status === 400 ? { errors: [{ path: 'body', message }] } : {}) };
    }
    const db = describeDatabaseError(exception);
    if (db) return { statusCode: db.status, error: reason(db.status), message: db.message };
    const errorId = randomUUID();
    this.logger.error({ errorId, err: loggable(exception) }, 'Unexpected error');
    return { statusCode: 500, error: 'Internal Server Error', message: 'Unexpected error; quote the errorId when reporting it', errorId };
  }
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function messageOf(response: object): string | undefined {
  const m = (response as { message?: unknown }).message;
  if (typeof m === 'string') return m;
  if (Array.isArray(m)) return m.join('; ');
  return undefined;
}

/**
 * A database error as it may be logged: the driver's message and stack start with the SQL and
 * its values (password hashes, credential hashes, user input), and `detail` repeats the row; keep
 * PostgreSQL's own sentence, the code and the names of what it concerns.
 */
export function loggable(err: unknown): unknown {
  if (!(err instanceof DriverException)) return err;
  const e = err as DriverException & { table?: string; column?: string; constraint?: string; routine?: string };
  const parts = e.message.split('\n')[0].split(' - ');
  return {
    type: e.name, code: e.code, message: parts.length > 1 ? parts[parts.length - 1] : 'database error',
    table: e.table, column: e.column, constraint: e.constraint, routine: e.routine,
    stack: (e.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ')).join('\n'),
  };
}
