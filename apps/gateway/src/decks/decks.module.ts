import { Module } from '@nestjs/common';
import { AgentMessageRouter } from './agent-messages';
import { DeckEventsConsumer } from './deck-events.consumer';
import { DeckRegistryService } from './deck-registry.service';
import { DecksController } from './decks.controller';
import { DecksService } from './decks.service';

@Module({
  controllers: [DecksController],
  providers: [AgentMessageRouter, DeckEventsConsumer, DeckRegistryService, DecksService],
  exports: [AgentMessageRouter, DecksService, DeckRegistryService],
})
export class DecksModule {}
