import type { NextFunction, Request, Response } from 'express';
import { context, trace } from '@opentelemetry/api';
import { endSpan, startSpan } from '@ivoryos/telemetry';

/**
 * One span per HTTP request, the root of a run's or a direct call's trace (or a child of the
 * caller's `traceparent` header). Active for the handler, so the dispatch span below it is its
 * child. Installed only when tracing is on.
 */
export function httpTracingMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers['traceparent'];
    const tracestate = req.headers['tracestate'];
    const parent = typeof header === 'string' ? { traceparent: header, ...(typeof tracestate === 'string' ? { tracestate } : {}) } : undefined;
    const span = startSpan(`HTTP ${req.method}`, { parent, attributes: { 'http.request.method': req.method } });
    if (!span) return next();
    res.once('finish', () => {
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : undefined;
      if (route) span.updateName(`HTTP ${req.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      endSpan(span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
