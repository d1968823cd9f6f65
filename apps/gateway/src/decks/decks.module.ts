import { Module } from '@nestjs/common';
import { DeckCredentialsModule } from '../deck-credentials/deck-credentials.module';
import { AgentMessageRouter } from './agent-messages';
import { DeckEventsConsumer } from './deck-events.consumer';
import { DeckRegistryService } from './deck-registry.service';
import { DecksController } from './decks.controller';
import { DecksService } from './decks.service';

@Module({
  imports: [DeckCredentialsModule],
  controllers: [DecksController],
  providers: [AgentMessageRouter, DeckEventsConsumer, DeckRegistryService, DecksService],
  exports: [AgentMessageRouter, DecksService, DeckRegistryService],
})
export class DecksModule {}
