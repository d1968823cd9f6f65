import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ApiKey } from '@ivoryos/db';
import { AuditLog, type AuditAuthor } from '../audit/audit-log';
import type { AuthActor } from '../common/actor';
import { BadInput, NotFound } from '../common/domain-errors';
import { generateApiKey, looksLikeApiKey, parseApiKey, sameHash } from './api-key-format';
import { Unauthenticated } from './auth-errors';
import type { ApiKeyCreatedResponse, ApiKeyListResponse, ApiKeyResponse, CreateApiKeyDto } from './dto/api-key.dto';

/** lastUsedAt is written at most this often per key, so busy scripts do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateApiKeyDto, actor: AuthActor): Promise<ApiKeyCreatedResponse> {
    // Admin work (users, keys) is not deck-scoped; a scoped admin key could mint an unscoped one.
    if (dto.role === 'admin' && dto.deck) throw BadInput.field('deck', 'a key limited to one deck cannot have role admin');
    const generated = generateApiKey();
    const key = this.em.create(ApiKey, {
      name: dto.name, role: dto.role, deck: dto.deck ?? null,
      prefix: generated.prefix, keyHash: generated.hash, createdBy: actor.name,
    });
    this.audit.record(this.em, actor, { action: 'api-key.create', target: key.id, deck: key.deck, details: { name: key.name, role: key.role, prefix: key.prefix } });
    await this.em.persistAndFlush(key);
    return { id: key.id, key: generated.key, name: key.name, role: key.role, deck: key.deck, createdAt: key.createdAt.toISOString() };
  }

  async list(): Promise<ApiKeyListResponse> {
    const keys = await this.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'asc' } });
    return { items: keys.map(toApiKeyResponse), total: keys.length };
  }

  /** Revoked keys stay listed (who made them, when last used); they are refused from now on. */
  async revoke(id: string, author: AuditAuthor): Promise<void> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw new NotFound('API key', id, 'id');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      this.audit.record(this.em, author, { action: 'api-key.revoke', target: key.id, deck: key.deck, details: { name: key.name, prefix: key.prefix } });
    }
    await this.em.flush();
  }

  /** The caller behind `Authorization: Bearer ivk_...`; read from the database on every request. */
  async actorForKey(credential: string): Promise<AuthActor> {
    const parsed = looksLikeApiKey(credential) ? parseApiKey(credential) : undefined;
    if (!parsed) throw new Unauthenticated('Invalid API key');
    const em = this.em.fork();
    const candidates = await em.find(ApiKey, { prefix: parsed.prefix });
    const key = candidates.find((k) => sameHash(k.keyHash, parsed.hash));
    if (!key) throw new Unauthenticated('Invalid API key');
    if (key.revokedAt) throw new Unauthenticated(`API key '${key.name}' has been revoked`);
    const now = new Date();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
    }
    return { kind: 'key', id: key.id, name: key.name, role: key.role, ...(key.deck ? { deck: key.deck } : {}) };
  }
}

function toApiKeyResponse(k: ApiKey): ApiKeyResponse {
  return {
    id: k.id, name: k.name, prefix: k.prefix, role: k.role, deck: k.deck, createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}
