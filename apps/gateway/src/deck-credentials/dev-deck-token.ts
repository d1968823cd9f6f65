import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECK_TOKENS_DIR, LEGACY_DECK_TOKEN_FILE } from '@ivoryos/contracts';
import { SYSTEM_AUTHOR } from '../audit/audit-log';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { DeckAclSync } from './deck-acl-sync';
import { DeckCredentialsService } from './deck-credentials.service';
import { generateDeckToken, parseDeckToken } from './deck-token-format';

/**
 * Development only (`npm start` sets IVORYOS_PROVISION_DECK_TOKEN to the demo deck): at start,
 * `<dataDir>/deck-tokens/<deck>` is the demo deck's credential. The file's token is adopted when
 * PostgreSQL does not hold it (first start, a fresh database, a token issued since through the
 * API), so the file never changes under a running agent; without a file one is written. Then the
 * deck's Redis user is created, which is what the launcher waits for before starting the agent.
 *
 * The single `<dataDir>/deck-token` of earlier versions does not name its deck: it is moved to
 * `deck-tokens/<deck>` when its hash is the issued credential of a deck, and left alone otherwise.
 */
@Injectable()
export class DevDeckToken implements OnApplicationBootstrap {
  private readonly logger = new Logger('DeckCredentials');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly credentials: DeckCredentialsService,
    private readonly sync: DeckAclSync,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const deck = this.config.env.IVORYOS_PROVISION_DECK_TOKEN;
    if (!deck || this.config.production) return;
    await this.moveLegacyFile();
    const dir = join(this.config.dataDir, DECK_TOKENS_DIR);
    const file = join(dir, deck);
    let token = parseDeckToken(readToken(file));
    if (!token) {
      const generated = generateDeckToken();
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${generated.token}\n`, { mode: 0o600 });
      token = generated;
      this.logger.log(`deck ${deck}: wrote a new development token to ${file}`);
    }
    const row = await this.credentials.find(deck);
    if (row?.tokenHash !== token.hash) await this.credentials.adopt(deck, token.hash, token.prefix, SYSTEM_AUTHOR);
    try {
      // From the row as it is now: a token issued through the API meanwhile wins over the file's.
      await this.sync.sync(deck);
    } catch (err) {
      this.logger.warn(`deck ${deck}: Redis user not created yet (${err instanceof Error ? err.message : String(err)}); the reconciler retries`);
    }
  }

  private async moveLegacyFile(): Promise<void> {
    const legacy = join(this.config.dataDir, LEGACY_DECK_TOKEN_FILE);
    if (!existsSync(legacy)) return;
    const token = parseDeckToken(readToken(legacy));
    const owner = token ? (await this.credentials.all()).find((c) => c.tokenHash === token.hash)?.deck : undefined;
    if (!owner) {
      this.logger.warn(`${legacy} (the single token file of earlier versions) matches no deck's issued token; it is not used by any agent and can be deleted`);
      return;
    }
    const target = join(this.config.dataDir, DECK_TOKENS_DIR, owner);
    if (existsSync(target)) return;
    mkdirSync(join(this.config.dataDir, DECK_TOKENS_DIR), { recursive: true, mode: 0o700 });
    renameSync(legacy, target);
    this.logger.log(`moved ${legacy} to ${target}: it is deck ${owner}'s token (one file per deck now)`);
  }
}

function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
