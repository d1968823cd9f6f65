import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestWithActor } from './actor';

/** What the one line per request says: method, path (no query), status, milliseconds and who asked. */
export interface RequestLogFields {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** The signed-in user or API key; null before authentication (sign-in, docs, refusals). */
  actor: string | null;
  /** Headers and query, only when the log level is debug (secrets redacted by the logger). */
  req?: { headers: IncomingMessage['headers']; query: string };
  res?: { headers: ReturnType<ServerResponse['getHeaders']> };
}

export function requestLogFields(req: IncomingMessage, res: ServerResponse, ms: number, withHeaders: boolean): RequestLogFields {
  const r = req as IncomingMessage & Partial<Pick<RequestWithActor, 'originalUrl' | 'actor'>>;
  const url = r.originalUrl ?? r.url ?? '';
  const q = url.indexOf('?');
  const fields: RequestLogFields = {
    method: r.method ?? '', path: q < 0 ? url : url.slice(0, q), status: res.statusCode, ms, actor: r.actor?.name ?? null,
  };
  if (withHeaders) {
    fields.req = { headers: req.headers, query: q < 0 ? '' : url.slice(q + 1) };
    fields.res = { headers: res.getHeaders() };
  }
  return fields;
}
