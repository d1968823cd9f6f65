import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkWebhookTarget, isAddressAllowed, type WebhookAllowEntry } from './webhook-allow';
import type { AttemptOutcome } from './webhook-backoff';

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allow: readonly WebhookAllowEntry[];
}

class TargetRefused extends Error {}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs one webhook attempt. The allow list is checked on the URL and, for host names admitted
 * only by address ranges, on the addresses the connection actually uses (the check sits in the
 * socket's DNS lookup, so a name cannot resolve one way for the check and another for the call).
 * Redirects are not followed: they could lead anywhere.
 */
export function postWebhook(post: WebhookPost): Promise<AttemptOutcome> {
  const target = checkWebhookTarget(post.url, post.allow);
  if (!target.ok) return Promise.resolve({ kind: 'refused', reason: target.reason });
  const url = new URL(post.url);
  const lookup = target.checkAddress ? pinnedLookup(target.host, target.port, post.allow) : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(post.body)), ...post.headers },
        // A fresh connection per attempt: a pooled one would skip the address check.
        agent: false,
        ...(lookup ? { lookup } : {}),
      },
      (res: IncomingMessage) => {
        // Only the status matters; the body is not read, whatever its size.
        finish({ kind: 'response', status: res.statusCode ?? 0 });
        res.destroy();
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${post.timeoutMs} ms`)), post.timeoutMs);
    req.on('error', (err: Error) =>
      finish(err instanceof TargetRefused ? { kind: 'refused', reason: err.message } : { kind: 'network', error: err.message }),
    );
    req.end(post.body);
  });
}

function pinnedLookup(host: string, port: number, allow: readonly WebhookAllowEntry[]) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const allowed = addresses.filter((a) => isAddressAllowed(a.address, port, allow));
      if (!allowed.length) {
        const seen = addresses.map((a) => a.address).join(', ');
        return callback(new TargetRefused(`${host} resolves to ${seen || 'nothing'}, outside IVORYOS_WEBHOOK_ALLOW`), '');
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}
