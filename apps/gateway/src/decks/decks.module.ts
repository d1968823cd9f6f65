import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeckCredentialsModule } from '../deck-credentials/deck-credentials.module';
import { AgentMessageRouter } from './agent-messages';
import { DeckEventsConsumer } from './deck-events.consumer';
import { DeckRegistryService } from './deck-registry.service';
import { DeckRestartService } from './deck-restart.service';
import { DecksController } from './decks.controller';
import { DecksService } from './decks.service';

@Module({
  imports: [AuditModule, DeckCredentialsModule],
  controllers: [DecksController],
  providers: [AgentMessageRouter, DeckEventsConsumer, DeckRegistryService, DeckRestartService, DecksService],
  exports: [AgentMessageRouter, DecksService, DeckRegistryService],
})
export class DecksModule {}
