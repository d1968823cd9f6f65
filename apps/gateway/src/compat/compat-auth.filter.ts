import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Unauthenticated } from '../auth/auth-errors';

/**
 * IvoryOS answers a request without a session with a redirect to its login page, never 401;
 * its generated Python proxies re-authenticate on that 302, so we answer the same way here.
 */
@Catch(Unauthenticated)
export class CompatAuthFilter implements ExceptionFilter {
  catch(_: Unauthenticated, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    res.redirect(302, `/ivoryos/auth/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
}
