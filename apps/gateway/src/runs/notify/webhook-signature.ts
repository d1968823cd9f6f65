import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-IvoryOS-Signature';
export const EVENT_HEADER = 'X-IvoryOS-Event';
export const DELIVERY_HEADER = 'X-IvoryOS-Delivery';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as receivers recompute it. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers and tests: constant-time comparison of a received signature header. */
export function verifyWebhookSignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
