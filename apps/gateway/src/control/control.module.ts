import { Module } from '@nestjs/common';
import { DecksModule } from '../decks/decks.module';
import { ControlController } from './control.controller';
import { ControlService } from './control.service';
import { DeckQueues } from './deck-queues.service';

@Module({ imports: [DecksModule], controllers: [ControlController], providers: [ControlService, DeckQueues], exports: [ControlService, DeckQueues] })
export class ControlModule {}
