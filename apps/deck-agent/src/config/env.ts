import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Unset and empty mean the same: compose's `${VAR:-}` passes an empty string. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

/** Every setting the deck agent reads, validated once at start. No `process.env` elsewhere. */
export const agentEnvSchema = z
  .object({
    /**
     * The deck's name on the transport (queue `deck.<name>`, streams `ivoryos:deck:<name>:*`).
     * Unset: the deck file's stem. BullMQ forbids `:` in queue names, so only letters, digits,
     * `_` and `-`. Exactly one agent may run per name.
     */
    IVORYOS_DECK_NAME: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, 'use only letters, digits, "_" and "-"')
        .max(64)
        .optional(),
    ),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    IVORYOS_GATEWAY_URL: z.url().default('http://127.0.0.1:8000'),
    /**
     * The deck's token: every Redis connection signs in as user `deck_<name>` with it. Unset and
     * empty: the first line of `<IVORYOS_DATA_DIR>/deck-tokens/<name>` when that file exists, else none.
     */
    IVORYOS_DECK_TOKEN: optionalText,
    /** Holds the local journal; put it on a persistent volume in containers. */
    IVORYOS_DATA_DIR: z.string().default('ivoryos_data'),
    /** Where introspected deck schemas are cached (by source contents); default `<IVORYOS_DATA_DIR>/cache/schemas`. */
    IVORYOS_SCHEMA_CACHE_DIR: optionalText,
    IVORYOS_HEARTBEAT_MS: z.coerce.number().int().min(50).default(2000),
    /** fsync every journal append: survives power loss at the cost of write latency. */
    IVORYOS_JOURNAL_FSYNC: bool.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * `GET /metrics` (Prometheus) on this port, the one HTTP listener an agent may open. Unset:
     * none (the default). Bound to IVORYOS_METRICS_HOST.
     */
    IVORYOS_METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(65535).optional()),
    /** Address the metrics listener binds; 127.0.0.1 keeps it on this machine (0.0.0.0 for a scraper elsewhere). */
    IVORYOS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Benchmarks only: append each direct call's timestamps to <IVORYOS_DATA_DIR>/hop-timing.jsonl (bench/direct-control.ts). */
    IVORYOS_HOP_TIMING: bool.default(false),
    /** Demo deck only (examples/decks): simulated duration of each instrument call, in ms. */
    IVORYOS_SIM_DELAY_MS: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number().int().min(0).optional(),
    ),
    /** Demo deck only (examples/decks): file the simulated instruments append each call to. */
    IVORYOS_SIM_CALL_LOG: optionalText,
    /** Python decks: the interpreter, when `--python` is not given (before a venv beside the deck). */
    IVORYOS_PYTHON: optionalText,
    /** Python decks: seconds after which a driver call fails as timed out (the deck stays held until it returns). Unset: no limit. */
    IVORYOS_CALL_TIMEOUT_S: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().positive().optional()),
    /**
     * Tests only: the contract version this agent's registration names instead of its own, to see a
     * gateway refuse an agent of another version (the agent then logs why and exits 1).
     */
    IVORYOS_CONTRACT_VERSION_CLAIM: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).optional()),
    /** Python decks: an active virtualenv or conda environment is the interpreter's fallback. */
    VIRTUAL_ENV: optionalText,
    CONDA_PREFIX: optionalText,
  });

export type AgentEnv = z.infer<typeof agentEnvSchema>;

/** Names of the deck agent's settings; deployment files are checked against this list. */
export const agentEnvNames = Object.keys(agentEnvSchema.shape) as (keyof AgentEnv)[];

export function parseAgentEnv(source: NodeJS.ProcessEnv): AgentEnv {
  const parsed = agentEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid deck agent settings:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
