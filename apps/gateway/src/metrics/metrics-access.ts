import { isIP } from 'node:net';

export type MetricsAccess = 'allow' | 'unauthenticated' | 'forbidden';

export interface MetricsRequest {
  production: boolean;
  /** The TCP peer (req.socket.remoteAddress), never a forwarded header: those are the client's to write. */
  remoteAddress: string | undefined;
  /** The bearer token sent, if any. */
  bearer: string | undefined;
  /** IVORYOS_METRICS_TOKEN, if set. */
  scrapeToken: string | undefined;
  /** The role of the bearer token when it is a valid user token or API key. */
  role: string | undefined;
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  return address === '::1';
}

/**
 * Who may read GET /metrics: the scrape token, an admin's token or key, or (outside production
 * only) a direct loopback connection with no credentials at all. A wrong token is refused even
 * from loopback, so a misconfigured scraper notices.
 */
export function metricsAccess(r: MetricsRequest): MetricsAccess {
  if (r.bearer !== undefined) {
    if (r.scrapeToken !== undefined && r.bearer === r.scrapeToken) return 'allow';
    if (r.role === undefined) return 'unauthenticated';
    return r.role === 'admin' ? 'allow' : 'forbidden';
  }
  if (!r.production && isLoopback(r.remoteAddress)) return 'allow';
  return 'unauthenticated';
}
