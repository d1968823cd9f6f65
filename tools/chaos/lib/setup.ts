/* The usual stack of a scenario: private Redis, fresh database, gateway(s), one demo-deck agent online. */
import { randomBytes } from 'node:crypto';
import { Api } from './api';
import type { Scenario } from './scenario';
import { AgentProcess, assertBuilt, createChaosDatabase, GatewayProcess, RedisServer, START_MS, tempDir, uniqueDeck } from './stack';

export interface Stack {
  redis: RedisServer;
  dbUrl: string;
  gateways: GatewayProcess[];
  api: Api;
  agent: AgentProcess;
  deck: string;
}

export interface StackOptions {
  /** Short name for the deck and temp dirs. */
  name: string;
  replicas?: number;
  /** The database URL the gateways use (a proxy in front of the real one); default the database itself. */
  gatewayDbUrl?: (dbUrl: string) => Promise<string> | string;
  gatewayEnv?: Record<string, string>;
}

export async function startStack(s: Scenario, opts: StackOptions): Promise<Stack> {
  assertBuilt();
  const redis = await RedisServer.start(s);
  const dbUrl = await createChaosDatabase(s);
  const gwDb = opts.gatewayDbUrl ? await opts.gatewayDbUrl(dbUrl) : dbUrl;
  const jwtSecret = randomBytes(24).toString('hex');
  const gateways: GatewayProcess[] = [];
  for (let i = 0; i < (opts.replicas ?? 1); i++) {
    const dataDir = tempDir(s, `${opts.name}-gw${i}`);
    gateways.push(await GatewayProcess.start(s, opts.replicas && opts.replicas > 1 ? String.fromCharCode(65 + i) : 'A', {
      dbUrl: gwDb, redisUrl: redis.url, dataDir, jwtSecret, env: opts.gatewayEnv,
    }));
  }
  const api = await Api.login(gateways[0].url);
  const deck = uniqueDeck(opts.name);
  const agent = new AgentProcess(s, deck, redis.url, tempDir(s, `${opts.name}-agent`));
  agent.start();
  await api.untilDeck(deck, true, START_MS);
  s.log(`stack up: redis :${redis.port}, ${gateways.length} gateway(s) ${gateways.map((g) => `:${g.port}`).join(' ')}, deck ${deck}`);
  return { redis, dbUrl, gateways, api, agent, deck };
}
