import { Command, InvalidArgumentError, Option } from 'commander';
import { runAgentProcess } from './agent';
import { promptHidden, provisionDeckToken } from './provision';
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

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a TCP port from 1 to 65535');
  return n;
}

interface Flags {
  name?: string; redis?: string; gateway?: string; token?: string; dataDir?: string; heartbeatMs?: number; metricsPort?: number; metricsHost?: string;
  python?: string; entry?: EntryMode;
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
  .option('--token <t>', 'deck token from POST /api/decks/<deck>/token (env IVORYOS_DECK_TOKEN; default: <data-dir>/deck-tokens/<deck>)')
  .option('--data-dir <dir>', 'journal and pseudo_deck directory (env IVORYOS_DATA_DIR)')
  .option('--heartbeat-ms <n>', 'heartbeat period (env IVORYOS_HEARTBEAT_MS)', positiveInt)
  .option('--metrics-port <port>', 'serve Prometheus metrics at GET /metrics on this port (env IVORYOS_METRICS_PORT; default: no listener)', port)
  .option('--metrics-host <address>', 'address the metrics listener binds (env IVORYOS_METRICS_HOST; default 127.0.0.1)')
  .option('--python <path>', '.py decks: the Python interpreter (env IVORYOS_PYTHON; default: a venv beside the deck, the active venv/conda, python3)')
  .addOption(new Option('--entry <mode>', '.py decks: auto runs the __main__ block up to ivoryos.run() when it has one, else imports the module')
    .choices(['auto', 'import', 'main']).default('auto'))
  .action(async (deckFile: string, flags: Flags) => {
    const { python, entry, ...overrides } = flags;
    await runAgentProcess({ deckFile, overrides, python: { python, entry, deckArgs } });
  });

interface ProvisionFlags {
  gateway?: string; dataDir?: string; user?: string; password?: string; apiKey?: string; force?: boolean;
}

program
  .command('provision')
  .description("Obtain a token for a deck from the gateway (as an admin) and write it to <data-dir>/deck-tokens/<deck>, where the deck's agent reads it")
  .argument('<deck>', 'deck name, as the agent will be started with (--name)')
  .option('--gateway <url>', 'gateway URL (env IVORYOS_GATEWAY_URL; default http://127.0.0.1:8000)')
  .option('--data-dir <dir>', 'where deck-tokens/ is (env IVORYOS_DATA_DIR; default ivoryos_data)')
  .option('--user <name>', 'admin user name (env IVORYOS_ADMIN_USER; default admin)')
  .option('--password <pw>', 'admin password (env IVORYOS_ADMIN_PASSWORD; asked for on a terminal otherwise)')
  .option('--api-key <key>', 'an admin API key instead of user and password (env IVORYOS_API_KEY)')
  .option('--force', 'replace a token file that exists already')
  .action(async (deck: string, _flags: ProvisionFlags, command: Command) => {
    // --gateway and --data-dir are the main command's options too; commander gives them to it.
    const flags = command.optsWithGlobals<ProvisionFlags>();
    const env = process.env;
    const apiKey = flags.apiKey ?? (env.IVORYOS_API_KEY || undefined);
    const username = flags.user ?? (env.IVORYOS_ADMIN_USER || 'admin');
    let password = flags.password ?? (env.IVORYOS_ADMIN_PASSWORD || undefined);
    if (!apiKey && password === undefined) {
      if (!process.stdin.isTTY) throw new Error('an admin credential is needed: --password or IVORYOS_ADMIN_PASSWORD (or --api-key / IVORYOS_API_KEY)');
      password = await promptHidden(`password for ${username}: `);
    }
    const gateway = flags.gateway ?? (env.IVORYOS_GATEWAY_URL || 'http://127.0.0.1:8000');
    const result = await provisionDeckToken({
      deck, gateway, dataDir: flags.dataDir ?? (env.IVORYOS_DATA_DIR || 'ivoryos_data'), admin: { username, password, apiKey }, force: flags.force,
    });
    console.log(`deck ${deck}: token ${result.prefix}… written to ${result.file} (Redis user ${result.redisUser}); start its agent with: ivoryos-agent <deck file> --name ${deck}`);
  });

program.parseAsync(agentArgv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
