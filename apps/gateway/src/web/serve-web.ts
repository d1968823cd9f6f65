import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Paths the web UI never answers, even when nothing else does: the API (an unknown API path stays
 * a JSON 404), IvoryOS's compatibility routes, and the operations endpoints.
 */
const NOT_THE_UI = /^\/(?:api|ivoryos|metrics|ops)(?:\/|$)|^\/decks\/[^/]+\/ivoryos(?:\/|$)/;
/** A path naming a file (`/assets/x.js`) is never a client route: a missing file is a 404, not the page. */
const FILE_LIKE = /\/[^/]+\.[A-Za-z0-9]+$/;

/** True for paths the UI's client-side router owns (everything except NOT_THE_UI and file names). */
export function isClientRoute(path: string): boolean {
  return !NOT_THE_UI.test(path) && (!FILE_LIKE.test(path) || path.endsWith('.html'));
}

/**
 * The built UI (`dist/apps/web`): next to the gateway's own build output, or, when the gateway
 * runs from source (tests), in the repository's dist folder. IVORYOS_WEB_DIR overrides both.
 */
export function findWebDir(configured: string | undefined): string | undefined {
  const candidates = configured
    ? [resolve(configured)]
    : [resolve(__dirname, '..', '..', '..', 'web'), resolve(__dirname, '..', '..', '..', '..', 'dist', 'apps', 'web')];
  // The source folder apps/web has an index.html too, but no assets/: only a build has both.
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
}

/**
 * Serves the web UI at `/`: hashed assets with long caching, and index.html (never cached) for
 * every client route, so a reload or a shared link to /runs/42 opens the right page.
 */
export function serveWebUi(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  app.useStaticAssets(join(dir, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false, fallthrough: true });
  app.useStaticAssets(dir, { index: false, maxAge: '1h', fallthrough: true });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isClientRoute(req.path)) return next();
    res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
  });
}
