import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeckCredentialsModule } from '../deck-credentials/deck-credentials.module';
import { TransportModule } from '../transport/transport.module';
import { DeckRegistryService } from './deck-registry.service';
import { DeckRestartService } from './deck-restart.service';
import { DecksController } from './decks.controller';
import { DecksService } from './decks.service';

@Module({
  imports: [AuditModule, DeckCredentialsModule, TransportModule],
  controllers: [DecksController],
  providers: [DeckRegistryService, DeckRestartService, DecksService],
  exports: [DecksService, DeckRegistryService],
})
export class DecksModule {}
