import { extname } from 'node:path';
import type { AgentSettings } from '../settings';
import type { Logger } from '../logger';
import type { BridgeOutput, EntryMode } from './python-bridge';
import { PythonDeck } from './python-deck';
import { resolvePython } from './python-interpreter';

/** Flags of `ivoryos-agent deck.py [--python PATH] [--entry auto|import|main] [-- deck args]`. */
export interface PythonFlags {
  python?: string;
  entry?: EntryMode;
  deckArgs?: string[];
}

export function isPythonDeck(file: string): boolean {
  return extname(file).toLowerCase() === '.py';
}

/** Picks the interpreter (logged with its version), spawns the bridge and imports the deck. */
export async function startPythonDeck(
  settings: AgentSettings, flags: PythonFlags, logger: Logger, onOutput: (output: BridgeOutput) => void,
): Promise<PythonDeck> {
  const { env } = settings;
  const interpreter = resolvePython(settings.deckFile, {
    flag: flags.python, IVORYOS_PYTHON: env.IVORYOS_PYTHON, VIRTUAL_ENV: env.VIRTUAL_ENV, CONDA_PREFIX: env.CONDA_PREFIX,
  });
  logger.info({ python: interpreter.executable, version: interpreter.version, venv: interpreter.venv, chosenBy: interpreter.source },
    `python deck: using Python ${interpreter.version} at ${interpreter.executable} (${interpreter.source})`);
  const deck = new PythonDeck({
    deck: settings.deck,
    deckFile: settings.deckFile,
    interpreter,
    entry: flags.entry ?? 'auto',
    deckArgs: flags.deckArgs ?? [],
    // The deck's own settings (ports, API keys) come from the agent's environment, as under `python deck.py`.
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
    callTimeoutS: env.IVORYOS_CALL_TIMEOUT_S,
    logger: logger.child({ component: 'python' }),
    onOutput,
  });
  await deck.start();
  return deck;
}
