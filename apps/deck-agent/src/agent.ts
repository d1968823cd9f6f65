import type { Server } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import { CONTRACT_VERSION, jobNames, readCommandEntry, type AgentInfo, type DeckSchema, type RegistrationRefused } from '@ivoryos/contracts';
import { initTracing, shutdownTracing } from '@ivoryos/telemetry';
import { deckTokenPath, redisCredentialOptions, redisUrlFor, resolveDeckCredential } from './deck-credential';
import { startDeckWorker } from './deck-worker';
import { loadDeck, markAgentPresent } from './deck-loader';
import { createDirectCallProcessor } from './direct-calls';
import { hopTimingLog } from './hop-timing';
import { HardwareLock } from './hardware-lock';
import { Heartbeat } from './heartbeat';
import { createInvoker, type Invoker } from './invoke';
import { Journal } from './journal';
import { AgentMetrics, serveMetrics } from './metrics';
import { createLogger, type Logger } from './logger';
import { Outbox } from './outbox';
import { DeckLoadError } from './python/python-bridge';
import { PythonNotFoundError } from './python/python-interpreter';
import { isPythonDeck, startPythonDeck, type PythonFlags } from './python/python-deck-start';
import type { PythonDeck } from './python/python-deck';
import { writePseudoDeck } from './pseudo-deck';
import { closeRedis, createRedis } from './redis';
import { agentInfo, errorText, Registration } from './registration';
import { CommandReader } from './runs/command-reader';
import { createRunAcceptProcessor } from './runs/run-accept';
import { RunSupervisor } from './runs/run-supervisor';
import { handleDeckCommand } from './python/deck-commands';
import { deckSchema } from './introspection/deck-schema';
import { callSafeState } from './safe-state';
import { redactUrl, resolveSettings, type AgentSettings, type SettingOverrides } from './settings';

export { HardwareLock } from './hardware-lock';
export { createInvoker, type Invoker } from './invoke';

export interface StartAgentOptions {
  settings: AgentSettings;
  /** The deck module's exports when it is already loaded (`run()`); otherwise the file is loaded. */
  exports?: object;
  logger?: Logger;
  /** `*.py` decks: interpreter, entry mode and the deck's own arguments. */
  python?: PythonFlags;
  /** The gateway refused this agent's registration (another contract version): already logged. */
  onRefused?: (refusal: RegistrationRefused) => void;
}

export interface AgentHandle {
  readonly deck: string;
  readonly schema: DeckSchema;
  /** Taken around every driver call: direct calls and each step of a run. */
  readonly lock: HardwareLock;
  /** Calls driver code by schema name, for direct calls and runs. */
  readonly invoker: Invoker;
  /** Set for a `*.py` deck: its bridge child. */
  readonly python: PythonDeck | null;
  /**
   * Orderly shutdown: take no new jobs or commands, let the current call end, pause a running run at
   * its step boundary (journaled: it stays paused after a restart), call the deck's `safe_state()` if
   * it exports one, send what the outbox holds, send `offline`, close connections. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/** How long a start waits for the journal's unsent run events to reach Redis before loading the deck. */
const PENDING_BEFORE_LOAD_MS = 3000;

/** Introspected schemas are kept beside the journal unless a shared folder is named. */
function schemaCacheDir(env: AgentSettings['env']): string {
  return env.IVORYOS_SCHEMA_CACHE_DIR ?? join(env.IVORYOS_DATA_DIR, 'cache', 'schemas');
}

/** Starts a deck agent in this process. Redis may be down: the agent connects when it can. */
export async function startAgent(options: StartAgentOptions): Promise<AgentHandle> {
  const began = performance.now();
  const { settings } = options;
  const { env, deck } = settings;
  const logger = options.logger ?? createLogger(deck, env.LOG_LEVEL);

  markAgentPresent();
  const journal = Journal.open(env.IVORYOS_DATA_DIR, deck, { fsync: env.IVORYOS_JOURNAL_FSYNC });
  for (const bad of journal.unreadable) logger.warn({ journal: journal.file, ...bad }, 'unreadable journal line skipped');
  for (const start of journal.unfinished()) {
    logger.warn({ callId: start.callId, instrument: start.instrument, action: start.action, startedAt: start.at }, 'call was interrupted by the last stop; outcome unknown');
  }
  // Every connection signs in as the deck's Redis user, which reaches only this deck's keys.
  const { credential, notice } = resolveDeckCredential(deck, env);
  if (notice) logger.warn(notice);
  const auth = redisCredentialOptions(credential);
  const redisUrl = redisUrlFor(env.REDIS_URL, credential);
  // Run events fail fast while Redis is away (they wait in the journal).
  const outboxConnection = createRedis(redisUrl, 'outbox', logger, { ...auth, enableOfflineQueue: false });
  const outbox = new Outbox(outboxConnection, deck, journal, logger);
  outbox.start();
  // What the last process journaled and never sent (a kill -9 between a step's end and its XADD) goes
  // out before the deck loads: loading is synchronous and can take many seconds (a busy machine, a
  // deck that homes its hardware on import), and no timer runs meanwhile.
  await outbox.sendPending(PENDING_BEFORE_LOAD_MS);

  // A Python deck's driver output goes to this log and, during a run's step, to the run's log.
  const runLog: { to?: (level: 'debug' | 'info' | 'warn' | 'error', text: string) => void } = {};
  let python: PythonDeck | null;
  let exports: object;
  let schema: DeckSchema;
  try {
    python = !options.exports && isPythonDeck(settings.deckFile)
      ? await startPythonDeck(settings, options.python ?? {}, logger, (out) => runLog.to?.(out.level, out.logger ? `[${out.logger}] ${out.text}` : out.text))
      : null;
    exports = python ? {} : options.exports ?? loadDeck(settings.deckFile);
    schema = python ? python.schema : await deckSchema({
      deckName: deck, file: settings.deckFile, exports, cacheDir: schemaCacheDir(env), log: (message) => logger.info(message),
    });
  } catch (err) {
    outbox.stop();
    journal.close();
    await closeRedis(outboxConnection);
    throw err;
  }
  const pseudoDeck = writePseudoDeck(env.IVORYOS_DATA_DIR, schema);

  const lock = new HardwareLock();
  const invoker = python ?? createInvoker(exports, schema);
  const info = agentInfo(new Date());
  // Heartbeats must not queue while Redis is away; the worker's connection must never give up on a command.
  const publisher = createRedis(redisUrl, 'publisher', logger, { ...auth, enableOfflineQueue: false });
  const workerConnection = createRedis(redisUrl, 'worker', logger, { ...auth, maxRetriesPerRequest: null });
  // Commands are read with XREAD BLOCK.
  const commandConnection = createRedis(redisUrl, 'commands', logger, { ...auth, maxRetriesPerRequest: null });

  // --metrics-port: the driver calls are timed here, as they happen; otherwise nothing is measured.
  // Read at scrape time only, after the supervisor below exists.
  const metrics: AgentMetrics | undefined = env.IVORYOS_METRICS_PORT
    ? new AgentMetrics(deck, { outboxUnsent: () => outbox.unsent(), activeRuns: (): number => (supervisor.busy ? 1 : 0) })
    : undefined;
  const supervisor: RunSupervisor = new RunSupervisor({
    deck, schema, journal, lock, invoker: metrics ? metrics.metered(invoker, 'run') : invoker, logger,
    onRunEnded: (status) => metrics?.runsEnded.inc({ status }),
    onJournaled: () => outbox.notify(),
    safeState: (reason) => callSafeState(exports, lock, logger, reason),
  });
  runLog.to = (level, text) => void supervisor.logDriverOutput(level, text);
  const recovered = supervisor.recover();
  if (recovered.length) logger.info({ runs: recovered }, 'runs from the journal continue');
  const startedAt = new Date().toISOString();
  const commands = new CommandReader(commandConnection, deck, journal, (id, text) => {
    const entry = readCommandEntry(text);
    if (entry.kind === 'run' || entry.kind === 'unreadable') return supervisor.handleCommand(id, text);
    journal.appendCursor(id, new Date().toISOString());
    if (entry.kind === 'deck') handleDeckCommand(entry.command, { python, startedAt, logger });
    else handleRefusal(entry.refusal, info, logger, options.onRefused);
  }, logger);
  commands.start();

  const registration = new Registration(publisher, schema, info, logger, env.IVORYOS_CONTRACT_VERSION_CLAIM ?? CONTRACT_VERSION);
  registration.start();
  const activity = () => (lock.busy || supervisor.busy ? 'busy' : 'idle');
  const heartbeat = new Heartbeat(publisher, deck, info, schema.hash, env.IVORYOS_HEARTBEAT_MS, activity, logger);
  heartbeat.start();
  const worker = startDeckWorker(workerConnection, deck, {
    [jobNames.directCall]: createDirectCallProcessor({
      deck, schema, journal, lock, invoker: metrics ? metrics.metered(invoker, 'direct') : invoker, logger, timing: env.IVORYOS_HOP_TIMING ? hopTimingLog(env.IVORYOS_DATA_DIR) : undefined,
    }),
    [jobNames.runAccept]: createRunAcceptProcessor({ deck, journal, enqueue: (runId) => supervisor.enqueue(runId), logger }),
  }, logger);

  let metricsServer: Server | undefined;
  if (metrics && env.IVORYOS_METRICS_PORT) {
    try {
      metricsServer = await serveMetrics(metrics, env.IVORYOS_METRICS_PORT, env.IVORYOS_METRICS_HOST, logger);
    } catch (err) {
      // A taken port must not keep the deck from serving: it runs on, unscraped, and says so.
      logger.error({ err: errorText(err), port: env.IVORYOS_METRICS_PORT, host: env.IVORYOS_METRICS_HOST }, 'metrics listener not started');
    }
  }

  logger.info(
    {
      deckFile: settings.deckFile,
      redis: redactUrl(env.REDIS_URL),
      dataDir: env.IVORYOS_DATA_DIR,
      pseudoDeck,
      journal: journal.file,
      schemaHash: schema.hash,
      instruments: Object.keys(schema.instruments),
      redisUser: credential ? `${credential.username} (token from ${credential.source === 'file' ? deckTokenPath(env.IVORYOS_DATA_DIR, deck) : 'settings'})` : 'none (no deck token)',
      startMs: Math.round(performance.now() - began),
    },
    'agent started',
  );

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    logger.info('stopping: no new jobs or commands; waiting for the current call to end');
    // Commands first: an answer arriving now (a retry) must not start another driver call.
    await commands.stop();
    await Promise.all([closeWorker(worker, lock, logger), supervisor.suspend()]);
    await callSafeState(exports, lock, logger, 'agent stopping');
    if (!(await outbox.flush(2000))) logger.warn({ unsent: outbox.unsent() }, 'run events not sent before stopping; they go after the next start');
    outbox.stop();
    heartbeat.stop();
    registration.stop();
    await registration.offline();
    journal.close();
    await Promise.all([closeRedis(publisher), closeRedis(workerConnection), closeRedis(outboxConnection)]);
    await python?.stop();
    await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
    logger.info('agent stopped');
  };
  return {
    deck,
    schema,
    lock,
    invoker,
    python,
    stop: () => (stopping ??= stop()),
  };
}

/** A refusal names the agent process it answers: one for an earlier process of this deck is old news. */
function handleRefusal(refusal: RegistrationRefused, info: AgentInfo, logger: Logger, onRefused?: (refusal: RegistrationRefused) => void): void {
  const ours = refusal.agent.pid === info.pid && refusal.agent.host === info.host && refusal.agent.startedAt === info.startedAt;
  if (!ours) {
    logger.debug({ refused: refusal.agent }, 'registration refusal for another agent process: ignored');
    return;
  }
  logger.error({ gatewaySpeaks: refusal.gatewaySpeaks, agentSpeaks: refusal.agentSpeaks }, `the gateway refused this agent: ${refusal.reason}`);
  onRefused?.(refusal);
}

async function closeWorker(worker: Worker, lock: HardwareLock, logger: Logger): Promise<void> {
  const closing = worker.close();
  // The current call ends on its own time; waiting for the lock is waiting for it.
  await lock.runExclusive(() => undefined);
  // Reporting its result needs Redis; do not hang on an unreachable one.
  const settled = await Promise.race([closing.then(() => true), delay(5000).then(() => false)]);
  if (!settled) logger.warn('worker did not close within 5 s (Redis unreachable?); closing connections anyway');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export interface AgentProcessOptions {
  deckFile: string;
  exports?: object;
  overrides: SettingOverrides;
  python?: PythonFlags;
}

/**
 * This process becomes the deck's agent until SIGTERM/SIGINT, then stops in order and exits 0.
 * A second signal exits at once (the journal already says which call was under way).
 */
export async function runAgentProcess(options: AgentProcessOptions): Promise<void> {
  let settings: AgentSettings;
  try {
    settings = resolveSettings(options.deckFile, options.overrides, process.env);
  } catch (err) {
    console.error(errorText(err));
    process.exit(2);
  }
  const logger = createLogger(settings.deck, settings.env.LOG_LEVEL);
  // On only with OTEL_EXPORTER_OTLP_ENDPOINT: spans go to that collector, nothing listens here.
  if (initTracing('ivoryos-agent')) logger.info({ endpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] }, 'tracing on (OTLP)');
  process.on('uncaughtException', (err) => {
    logger.fatal({ err: err.message, stack: err.stack }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: errorText(reason) }, 'unhandled promise rejection; exiting');
    process.exit(1);
  });

  let handle: AgentHandle;
  try {
    handle = await startAgent({
      settings, exports: options.exports, logger, python: options.python,
      // Serving nothing, it would only register again every minute: stop and say why.
      onRefused: () => void handle.stop().finally(() => process.exit(1)),
    });
  } catch (err) {
    logger.fatal({ err: errorText(err) }, 'agent did not start');
    // A Python deck's traceback (or the missing interpreter) in plain text for the person at the terminal.
    if (err instanceof PythonNotFoundError || err instanceof DeckLoadError) console.error(err.message);
    process.exit(1);
  }

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'signal received');
    handle.stop().then(shutdownTracing).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: errorText(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
