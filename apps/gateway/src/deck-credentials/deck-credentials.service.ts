import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { deckRedisUser } from '@ivoryos/contracts';
import { DeckCredential } from '@ivoryos/db';
import { AuditLog, type AuditAuthor } from '../audit/audit-log';
import { NotFound } from '../common/domain-errors';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { lockDeck } from './deck-acl-sync';
import { DeckAcl } from './deck-acl.service';
import { generateDeckToken } from './deck-token-format';
import type { DeckTokenResponse } from './dto/deck-token.dto';

/** How long the list of decks with a credential is trusted before it is read again. */
const TRUSTED_REFRESH_MS = 5000;

/** Whether agents need a deck token: the setting, else on in production and off elsewhere. */
export function deckTokensRequired(config: Pick<GatewayConfig, 'env' | 'production'>): boolean {
  return config.env.IVORYOS_REQUIRE_DECK_TOKENS ?? config.production;
}

/**
 * Deck tokens: issued by admins, stored as SHA-256 in PostgreSQL, enforced by a Redis ACL user
 * per deck. Redis is changed inside the database transaction, under the deck's lock (lockDeck), so
 * a Redis outage fails the request (503) and changes nothing, and the reconciler, which takes the
 * same lock, only ever writes Redis from the committed row.
 */
@Injectable()
export class DeckCredentialsService {
  readonly required: boolean;
  private trusted = new Set<string>();
  private loadedAt = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly acl: DeckAcl,
    private readonly audit: AuditLog,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.required = deckTokensRequired(config);
  }

  /** A new token for the deck, replacing (and disconnecting) the one before. The token is in this answer only. */
  async issue(deck: string, author: AuditAuthor): Promise<DeckTokenResponse> {
    const { token, hash, prefix } = generateDeckToken();
    const row = await this.em.fork().transactional(async (tx) => {
      await lockDeck(tx, deck);
      const existing = await tx.findOne(DeckCredential, { deck }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const credential = existing ?? tx.create(DeckCredential, { deck, tokenHash: hash, prefix, issuedBy: author.name });
      Object.assign(credential, { tokenHash: hash, prefix, issuedBy: author.name, issuedByKind: kindOf(author), issuedAt: new Date() });
      this.audit.record(tx, author, { action: 'deck-token.issue', target: deck, deck, details: { prefix, replaced: existing !== null, source: 'api' } });
      await tx.flush();
      await this.acl.replace(deck, hash);
      return credential;
    });
    this.trusted.add(deck);
    return { deck, token, redisUser: deckRedisUser(deck), prefix, issuedAt: row.issuedAt.toISOString() };
  }

  /**
   * Stores the hash of a token the caller already has (development provisioning from a file),
   * replacing the deck's current one; Redis is left to the caller. Returns whether one was replaced.
   */
  async adopt(deck: string, hash: string, prefix: string, author: AuditAuthor): Promise<boolean> {
    const replaced = await this.em.fork().transactional(async (tx) => {
      await lockDeck(tx, deck);
      const existing = await tx.findOne(DeckCredential, { deck }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const credential = existing ?? tx.create(DeckCredential, { deck, tokenHash: hash, prefix, issuedBy: author.name });
      Object.assign(credential, { tokenHash: hash, prefix, issuedBy: author.name, issuedByKind: kindOf(author), issuedAt: new Date() });
      this.audit.record(tx, author, { action: 'deck-token.issue', target: deck, deck, details: { prefix, replaced: existing !== null, source: 'file' } });
      return existing !== null;
    });
    this.trusted.add(deck);
    return replaced;
  }

  /** The deck's agent can no longer connect; connections it holds are closed. */
  async revoke(deck: string, author: AuditAuthor): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      await lockDeck(tx, deck);
      const existing = await tx.findOne(DeckCredential, { deck }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!existing) throw new NotFound('deck token', deck, 'deck');
      tx.remove(existing);
      this.audit.record(tx, author, { action: 'deck-token.revoke', target: deck, deck, details: { prefix: existing.prefix } });
      await tx.flush();
      await this.acl.remove(deck);
    });
    this.trusted.delete(deck);
  }

  find(deck: string): Promise<DeckCredential | null> {
    return this.em.fork().findOne(DeckCredential, { deck });
  }

  all(): Promise<DeckCredential[]> {
    return this.em.fork().find(DeckCredential, {}, { orderBy: { deck: 'asc' } });
  }

  /**
   * Whether the gateway takes messages from this deck's stream: always when tokens are not
   * required, otherwise only for decks with an issued token.
   */
  async accepts(deck: string): Promise<boolean> {
    const trusted = await this.trustedDecks();
    if (trusted === null || trusted.has(deck)) return true;
    // Perhaps issued on another replica since the last read: ask for this deck before refusing its messages.
    const row = await this.em.fork().findOne(DeckCredential, { deck }, { fields: ['deck'] });
    if (row) this.trusted.add(deck);
    return row !== null;
  }

  /** Decks with an issued token (read again every few seconds); null when tokens are not required. */
  async trustedDecks(): Promise<ReadonlySet<string> | null> {
    if (!this.required) return null;
    if (Date.now() - this.loadedAt > TRUSTED_REFRESH_MS) {
      const rows = await this.em.fork().find(DeckCredential, {}, { fields: ['deck'] });
      this.trusted = new Set(rows.map((r) => r.deck));
      this.loadedAt = Date.now();
    }
    return this.trusted;
  }
}

function kindOf(author: AuditAuthor): 'user' | 'key' | null {
  return author.kind === 'user' || author.kind === 'key' ? author.kind : null;
}
