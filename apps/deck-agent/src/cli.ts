import { Command, InvalidArgumentError } from 'commander';
import { runAgentProcess } from './agent';
import { AGENT_VERSION } from './version';

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number of ms');
  return n;
}

const program = new Command()
  .name('ivoryos-agent')
  .description('Serve one deck module (instruments) to IvoryOS-TS over Redis: registration, heartbeats, direct calls and runs.')
  .version(AGENT_VERSION)
  .argument('<deck-file>', 'deck module (.ts or .js) whose exported objects are the instruments')
  .option('--name <deck>', 'deck name on the transport (env IVORYOS_DECK_NAME; default: the file stem)')
  .option('--redis <url>', 'Redis URL (env REDIS_URL)')
  .option('--gateway <url>', 'gateway URL (env IVORYOS_GATEWAY_URL)')
  .option('--token <t>', 'deck token from POST /api/decks/<deck>/token (env IVORYOS_DECK_TOKEN; default: <data-dir>/deck-token)')
  .option('--data-dir <dir>', 'journal and pseudo_deck directory (env IVORYOS_DATA_DIR)')
  .option('--heartbeat-ms <n>', 'heartbeat period (env IVORYOS_HEARTBEAT_MS)', positiveInt)
  .action(async (deckFile: string, flags: { name?: string; redis?: string; gateway?: string; token?: string; dataDir?: string; heartbeatMs?: number }) => {
    await runAgentProcess({ deckFile, overrides: flags });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
