import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { DECK_AGENT_MARKER } from '@ivoryos/deck';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
let tsLoaderRegistered = false;

/**
 * Loads a deck module and returns its exports. Node 20 cannot load TypeScript itself, so for
 * `.ts` decks tsx's CommonJS loader is registered first. The global marker tells the deck's
 * own `run(__filename)` that an agent is loading it, so it does not start a second agent.
 */
export function loadDeck(file: string): object {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`Deck file not found: ${path}`);
  markAgentPresent();
  if (TS_EXTENSIONS.has(extname(path))) registerTsLoader(path);
  const loaded: unknown = require(path);
  if (typeof loaded !== 'object' || loaded === null) throw new Error(`Deck module ${path} exports nothing`);
  return loaded;
}

/** Set before the deck module is evaluated (or handed over by `run()`): this process is an agent. */
export function markAgentPresent(): void {
  (globalThis as Record<symbol, unknown>)[DECK_AGENT_MARKER] = true;
}

function registerTsLoader(deckPath: string): void {
  if (tsLoaderRegistered) return;
  // tsx resolves path aliases (`@ivoryos/deck`) with the tsconfig in the working directory unless
  // told otherwise; the deck's own tsconfig is the right one wherever the agent is started from.
  const tsconfig = nearestTsconfig(dirname(deckPath));
  if (tsconfig && !process.env['TSX_TSCONFIG_PATH']) process.env['TSX_TSCONFIG_PATH'] = tsconfig;
  const api = require('tsx/cjs/api') as { register: () => () => void };
  api.register();
  tsLoaderRegistered = true;
}

function nearestTsconfig(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}
