import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Unauthenticated } from '../auth/auth-errors';
import { DomainError } from '../common/domain-errors';

/**
 * IvoryOS answers a request without a session with a redirect to its login page, never 401;
 * its generated Python proxies re-authenticate on that 302, so we answer the same way here.
 * Other errors we know answer as IvoryOS's JSON errors, `{ "error": message }` (plus our
 * `errors` naming the fields, when there are some); unexpected ones go to the global filter.
 */
@Catch(DomainError, HttpException)
export class CompatAuthFilter implements ExceptionFilter {
  catch(err: DomainError | HttpException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof Unauthenticated) {
      const prefix = req.originalUrl.startsWith('/decks/') ? req.originalUrl.split('/ivoryos')[0] : '';
      res.redirect(302, `${prefix}/ivoryos/auth/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    const status = err instanceof DomainError ? err.status : err.getStatus();
    const errors = err instanceof DomainError ? err.errors : undefined;
    res.status(status).json({ error: err.message, ...(errors?.length ? { errors } : {}) });
  }
}
