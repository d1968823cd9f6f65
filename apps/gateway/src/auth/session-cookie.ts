import type { CookieOptions, Request } from 'express';

/**
 * The browser session cookie. `secure` only when the request came over HTTPS (directly or via a
 * trusted proxy): a secure cookie set over plain HTTP is dropped, and sign-in from a lab tablet
 * at http://<lab-pc>:8000 would silently fail. Lax: sent on top-level navigation (links into the
 * UI) but not on cross-site POSTs.
 */
export function sessionCookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}
