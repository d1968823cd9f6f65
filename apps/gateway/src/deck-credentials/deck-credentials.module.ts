import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeckAclSync } from './deck-acl-sync';
import { DeckAcl } from './deck-acl.service';
import { DeckAclReconciler } from './deck-acl.reconciler';
import { DeckCredentialsController } from './deck-credentials.controller';
import { DeckCredentialsService } from './deck-credentials.service';
import { DevDeckToken } from './dev-deck-token';

/** Deck agents' credentials: tokens in PostgreSQL (hashed), one Redis ACL user per deck. */
@Module({
  imports: [AuditModule],
  controllers: [DeckCredentialsController],
  providers: [DeckAcl, DeckAclSync, DeckCredentialsService, DeckAclReconciler, DevDeckToken],
  exports: [DeckCredentialsService],
})
export class DeckCredentialsModule {}
