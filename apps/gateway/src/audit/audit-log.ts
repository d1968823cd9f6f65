import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@ivoryos/contracts';
import { AuditEntry } from '@ivoryos/db';

/** Who made a change; `system` when the gateway made it by itself. */
export interface AuditAuthor {
  name: string;
  kind?: 'user' | 'key' | 'deck';
}

export const SYSTEM_AUTHOR: AuditAuthor = { name: 'system' };

export const AUDIT_ACTIONS = [
  'user.create', 'user.update', 'api-key.create', 'api-key.revoke', 'deck-token.issue', 'deck-token.revoke', 'deck.restart',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  action: AuditAction;
  target: string;
  deck?: string | null;
  /** What changed; never a password, key or token. */
  details?: JsonObject;
}

/**
 * Writes audit entries in the caller's unit of work, so the entry commits (or rolls back) with
 * the change it describes.
 */
@Injectable()
export class AuditLog {
  record(em: EntityManager, author: AuditAuthor, record: AuditRecord): AuditEntry {
    const kind = author.kind === 'user' || author.kind === 'key' ? author.kind : null;
    return em.create(AuditEntry, {
      actor: author.name, actorKind: kind, action: record.action, target: record.target,
      deck: record.deck ?? null, details: record.details ?? null,
    });
  }
}
