import createFetchClient, { type Middleware } from 'openapi-fetch';
import createClient from 'openapi-react-query';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Same origin: the httpOnly session cookie goes with every request; the page never holds a token. */
export const fetchClient = createFetchClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  // Looked up per call (not captured once), so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});

/** The session ended (expired, signed out elsewhere): back to sign-in, then to this page. */
const signInWhenExpired: Middleware = {
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && !path.startsWith('/api/auth/') && !path.startsWith('/api/me')) {
      window.location.assign(loginHref(window.location.pathname + window.location.search));
    }
  },
};
fetchClient.use(signInWhenExpired);

export const $api = createClient(fetchClient);

export function loginHref(next: string): string {
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** The gateway's error shape: `{ message, errors?: [{ path, message }] }`. */
export interface ApiError {
  statusCode?: number;
  message?: string | string[];
  errors?: { path: string; message: string }[];
}

/** One line for a form-level alert: the API's own message. */
export function errorText(error: unknown): string {
  if (!error) return '';
  if (error instanceof Error) return error.message;
  const e = error as ApiError;
  const message = Array.isArray(e.message) ? e.message.join('; ') : e.message;
  if (e.errors?.length && !message) return e.errors.map((x) => `${x.path}: ${x.message}`).join('; ');
  return message ?? JSON.stringify(error);
}

/** Field errors keyed by the API's path (`amount_in_ml`, `args.x`, `parameters[3].temp`). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of (error as ApiError | undefined)?.errors ?? []) out[e.path] = e.message;
  return out;
}
