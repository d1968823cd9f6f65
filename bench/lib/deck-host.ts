/**
 * Several deck agents in one process, for bench/scale.ts: `node dist/bench/lib/deck-host.js` with
 * HOST_DECKS=a,b,c HOST_DECK_FILE=<deck module> HOST_DATA_DIR=<folder> and the usual agent env.
 * The deck module is loaded once and its instruments shared (the demo's no-op instruments keep no
 * state a bench cares about); each deck has its own journal, Redis connections, worker and lock.
 * Prints "host ready <n>" once every agent started; SIGTERM stops them all.
 */
import { join } from 'node:path';
import type * as AgentModule from '../../apps/deck-agent/src/agent';
import type * as LoaderModule from '../../apps/deck-agent/src/deck-loader';
import type * as SettingsModule from '../../apps/deck-agent/src/settings';

// Loaded by path from the build next to this file (a bench is not a dependant of the app).
const DIST = join(__dirname, '..', '..');
const agentModule = require(join(DIST, 'apps/deck-agent/src/agent.js')) as typeof AgentModule;
const loader = require(join(DIST, 'apps/deck-agent/src/deck-loader.js')) as typeof LoaderModule;
const settingsModule = require(join(DIST, 'apps/deck-agent/src/settings.js')) as typeof SettingsModule;

async function main(): Promise<void> {
  const decks = (process.env['HOST_DECKS'] ?? '').split(',').filter(Boolean);
  const deckFile = process.env['HOST_DECK_FILE'] ?? 'examples/decks/abstract_sdl.ts';
  const dataDir = process.env['HOST_DATA_DIR'] ?? 'ivoryos_data';
  const exports = loader.loadDeck(deckFile);
  const handles = await Promise.all(decks.map((name) => agentModule.startAgent({
    settings: settingsModule.resolveSettings(deckFile, { name, dataDir: join(dataDir, name) }, process.env),
    exports,
  })));
  console.log(`host ready ${handles.length}`);
  const stop = () => void Promise.all(handles.map((h) => h.stop())).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
