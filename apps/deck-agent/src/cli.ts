import { Command, InvalidArgumentError, Option } from 'commander';
import { runAgentProcess } from './agent';
import type { EntryMode } from './python/python-bridge';
import { AGENT_VERSION } from './version';

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number of ms');
  return n;
}

// Everything after `--` belongs to a Python deck (its sys.argv), never to the agent.
const separator = process.argv.indexOf('--', 2);
const agentArgv = separator >= 0 ? process.argv.slice(0, separator) : process.argv;
const deckArgs = separator >= 0 ? process.argv.slice(separator + 1) : [];

interface Flags {
  name?: string; redis?: string; gateway?: string; token?: string; dataDir?: string; heartbeatMs?: number; python?: string; entry?: EntryMode;
}

const program = new Command()
  .name('ivoryos-agent')
  .description('Serve one deck module (instruments) to IvoryOS-TS over Redis: registration, heartbeats, direct calls and runs.')
  .version(AGENT_VERSION)
  .usage('<deck-file> [options] [-- python deck args]')
  .argument('<deck-file>', 'deck module (.ts or .js) whose exported objects are the instruments, or an IvoryOS deck script (.py)')
  .option('--name <deck>', 'deck name on the transport (env IVORYOS_DECK_NAME; default: the file stem)')
  .option('--redis <url>', 'Redis URL (env REDIS_URL)')
  .option('--gateway <url>', 'gateway URL (env IVORYOS_GATEWAY_URL)')
  .option('--token <t>', 'deck token from POST /api/decks/<deck>/token (env IVORYOS_DECK_TOKEN; default: <data-dir>/deck-token)')
  .option('--data-dir <dir>', 'journal and pseudo_deck directory (env IVORYOS_DATA_DIR)')
  .option('--heartbeat-ms <n>', 'heartbeat period (env IVORYOS_HEARTBEAT_MS)', positiveInt)
  .option('--python <path>', '.py decks: the Python interpreter (env IVORYOS_PYTHON; default: a venv beside the deck, the active venv/conda, python3)')
  .addOption(new Option('--entry <mode>', '.py decks: auto runs the __main__ block up to ivoryos.run() when it has one, else imports the module')
    .choices(['auto', 'import', 'main']).default('auto'))
  .action(async (deckFile: string, flags: Flags) => {
    const { python, entry, ...overrides } = flags;
    await runAgentProcess({ deckFile, overrides, python: { python, entry, deckArgs } });
  });

program.parseAsync(agentArgv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
