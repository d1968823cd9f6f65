import { Module } from '@nestjs/common';
import { DecksModule } from '../decks/decks.module';
import { TransportModule } from '../transport/transport.module';
import { DirectCallsController } from './direct-calls.controller';
import { DirectCallsService } from './direct-calls.service';

@Module({ imports: [DecksModule, TransportModule], controllers: [DirectCallsController], providers: [DirectCallsService], exports: [DirectCallsService] })
export class DirectCallsModule {}
