import { Module } from '@nestjs/common';
import { DeckCredentialsModule } from '../../deck-credentials/deck-credentials.module';
import { DeckRegistryService } from '../../decks/deck-registry.service';
import { DecksModule } from '../../decks/decks.module';
import { RunEventIngestor } from '../../runs/ingest/run-event-ingestor';
import { RunsModule } from '../../runs/runs.module';
import { AGENT_MESSAGE_HANDLERS, type AgentMessageHandlers } from './agent-message-handlers';
import { EventStreamReader } from './event-stream.reader';

/** The handler of each agent message kind: the deck registry for presence, the ingestor for run events. */
function agentMessageHandlers(registry: DeckRegistryService, ingestor: RunEventIngestor): AgentMessageHandlers {
  return {
    register: (m) => registry.register(m),
    heartbeat: (m) => registry.heartbeat(m),
    offline: (m) => registry.offline(m),
    'refused-registration': (r) => registry.refuse(r),
    'run-event': (deck, messages) => ingestor.ingest(messages.map((m) => m.envelope), deck),
  };
}

/** Reads the decks' event streams and hands each message to the module that owns its kind. */
@Module({
  imports: [DeckCredentialsModule, DecksModule, RunsModule],
  providers: [
    { provide: AGENT_MESSAGE_HANDLERS, useFactory: agentMessageHandlers, inject: [DeckRegistryService, RunEventIngestor] },
    EventStreamReader,
  ],
})
export class EventStreamModule {}
