import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

function headersFor(https: boolean, trustworthy: boolean): RequestHandler {
  return helmet({
    // Browsers ignore COOP on an origin that is neither HTTPS nor localhost, and log an error for it.
    crossOriginOpenerPolicy: trustworthy,
    contentSecurityPolicy: {
      directives: {
        // Swagger UI and Mantine need inline styles, and data: images; scripts stay same-origin.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        // Over plain HTTP this would make a browser on another host (a tablet on the lab network)
        // rewrite every script and API call to https, leaving a blank page. localhost is exempt,
        // which is why only a test with another host name shows it.
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
  });
}

/**
 * Helmet's headers, with upgrade-insecure-requests sent only when the
 * request came over HTTPS: directly, or per X-Forwarded-Proto from a proxy trusted by
 * IVORYOS_TRUST_PROXY (Express's `req.secure`), and Cross-Origin-Opener-Policy only to HTTPS or
 * localhost. HSTS stays: browsers ignore it over plain HTTP.
 */
export function securityHeaders(): RequestHandler {
  const overHttps = headersFor(true, true);
  const local = headersFor(false, true);
  const overHttp = headersFor(false, false);
  return (req: Request, res: Response, next: NextFunction) => (req.secure ? overHttps : isLoopbackName(req.hostname) ? local : overHttp)(req, res, next);
}

/** A host name browsers treat as a trustworthy origin even over plain HTTP. */
export function isLoopbackName(host: string | undefined): boolean {
  const name = (host ?? '').toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
