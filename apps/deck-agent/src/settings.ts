import { basename, resolve } from 'node:path';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { parseAgentEnv, type AgentEnv } from './config/env';

/** Command-line flags (or `run()` options) that override the environment. */
export interface SettingOverrides {
  name?: string;
  redis?: string;
  gateway?: string;
  token?: string;
  dataDir?: string;
  heartbeatMs?: number | string;
  metricsPort?: number | string;
  metricsHost?: string;
}

/** Everything the agent runs with, resolved once at start. */
export interface AgentSettings {
  deckFile: string;
  deck: string;
  env: AgentEnv;
}

const FLAG_ENV: Record<keyof SettingOverrides, keyof AgentEnv> = {
  name: 'IVORYOS_DECK_NAME',
  redis: 'REDIS_URL',
  gateway: 'IVORYOS_GATEWAY_URL',
  token: 'IVORYOS_DECK_TOKEN',
  dataDir: 'IVORYOS_DATA_DIR',
  heartbeatMs: 'IVORYOS_HEARTBEAT_MS',
  metricsPort: 'IVORYOS_METRICS_PORT',
  metricsHost: 'IVORYOS_METRICS_HOST',
};

/** Flags override the environment; the result is validated once by the agent's env schema. */
export function resolveSettings(deckFile: string, overrides: SettingOverrides, source: NodeJS.ProcessEnv): AgentSettings {
  const merged: NodeJS.ProcessEnv = { ...source };
  for (const [flag, name] of Object.entries(FLAG_ENV) as [keyof SettingOverrides, keyof AgentEnv][]) {
    const value = overrides[flag];
    if (value !== undefined) merged[name] = String(value);
  }
  const env = parseAgentEnv(merged);
  const deck = env.IVORYOS_DECK_NAME ?? deckStem(deckFile);
  if (!DECK_NAME_PATTERN.test(deck)) {
    throw new Error(
      `Invalid deck name "${deck}" (from the file name): use only letters, digits, "_" and "-" (at most 64), or pass --name <deck>`,
    );
  }
  return { deckFile: resolve(deckFile), deck, env };
}

export function deckStem(file: string): string {
  return basename(file).replace(/\.[^.]*$/, '');
}

/** A Redis URL fit for logs: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
