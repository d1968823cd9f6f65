import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Set on `globalThis` by a deck agent before it evaluates a deck module (and kept while it
 * runs): `run()` in that module then does nothing. A registered symbol, because the agent's
 * copy of this library and the deck's copy may be different module instances (compiled and
 * source).
 */
export const DECK_AGENT_MARKER: unique symbol = Symbol.for('ivoryos.deck-agent');

/** The agent's settings, as the `ivoryos-agent` flags name them; unset ones come from the environment. */
export interface DeckRunOptions {
  /** Deck name on the transport; default: the file's stem. */
  name?: string;
  redis?: string;
  gateway?: string;
  token?: string;
  dataDir?: string;
  heartbeatMs?: number;
}

/** What `run()` needs from the agent module, which it loads by path at runtime. */
interface AgentModule {
  runAgentProcess(options: { deckFile: string; exports: object; overrides: DeckRunOptions }): Promise<void>;
}

/**
 * Call at the bottom of a deck module: `run(__filename)`. Executed directly (`npx tsx deck.ts`,
 * `node deck.js`), the file becomes its own deck agent, started on the next turn of the event
 * loop with this module's exports. Loaded by `ivoryos-agent`, or imported by anything else,
 * it does nothing.
 */
export function run(filename: string, options: DeckRunOptions = {}): void {
  const deckFile = resolve(filename);
  if (!shouldStartAgent(deckFile)) return;
  // After the deck module has finished evaluating, so every export exists.
  setImmediate(() => {
    startHere(deckFile, options).catch((err: unknown) => {
      console.error(`ivoryos run(): ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
  });
}

/** True when no agent is loading this deck and the deck file is the program being executed. */
export function shouldStartAgent(deckFile: string): boolean {
  if ((globalThis as Record<symbol, unknown>)[DECK_AGENT_MARKER]) return false;
  return isEntryModule(deckFile);
}

function isEntryModule(deckFile: string): boolean {
  if (require.main?.filename && samePath(require.main.filename, deckFile)) return true;
  // Loaders that start the entry through the ESM loader (tsx) leave require.main unset.
  const script = process.argv[1];
  if (!script) return false;
  const candidates = [script, `${script}.ts`, `${script}.js`].map((p) => resolve(p));
  return candidates.some((p) => samePath(p, deckFile));
}

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

async function startHere(deckFile: string, options: DeckRunOptions): Promise<void> {
  const cached = require.cache[deckFile] ?? require.cache[realpathSync(deckFile)];
  if (!cached) {
    throw new Error(`cannot find the loaded module ${deckFile} (is it an ES module?); start it with: ivoryos-agent ${deckFile}`);
  }
  const agent = require(agentModulePath()) as AgentModule;
  await agent.runAgentProcess({ deckFile, exports: cached.exports as object, overrides: options });
}

/**
 * The deck agent, found by walking up from this file to the workspace root. This library must
 * not import the app (contracts depend on nothing of ours), so it is loaded by path: the
 * TypeScript source when this file itself runs as source (a TS loader is active), else the
 * compiled `dist/apps/deck-agent/src/agent.js`.
 */
function agentModulePath(): string {
  const runningAsSource = __filename.endsWith('.ts');
  const relatives = runningAsSource
    ? ['apps/deck-agent/src/agent.ts', 'dist/apps/deck-agent/src/agent.js']
    : ['dist/apps/deck-agent/src/agent.js'];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const relative of relatives) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(`cannot find the deck agent (${relatives.join(' or ')}) above ${__dirname}; run \`npm run build\` first`);
}
