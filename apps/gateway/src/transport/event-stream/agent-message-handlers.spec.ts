import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { AGENT_MESSAGE_KINDS } from '@ivoryos/contracts';
import { GATEWAY_CONFIG } from '../../config/gateway-config';
import { DeckCredentialsService } from '../../deck-credentials/deck-credentials.service';
import { AGENT_MESSAGE_HANDLERS, assertCompleteHandlers, type AgentMessageHandlers } from './agent-message-handlers';
import { EventStreamReader } from './event-stream.reader';

const complete: AgentMessageHandlers = {
  register: async () => undefined,
  heartbeat: async () => undefined,
  offline: async () => undefined,
  'run-event': async (_deck, messages) => messages.length,
};

/** The reader with the given handler map; ingestion off, so booting touches neither Redis nor PostgreSQL. */
function readerModule(handlers: Partial<AgentMessageHandlers>): DynamicModule {
  @Module({})
  class ReaderOnly {}
  return {
    module: ReaderOnly,
    providers: [
      EventStreamReader,
      { provide: AGENT_MESSAGE_HANDLERS, useValue: handlers },
      { provide: GATEWAY_CONFIG, useValue: { env: { IVORYOS_INGEST: false } } },
      // Never reached: the reader checks its handlers before it uses anything else.
      { provide: EntityManager, useValue: {} },
      { provide: DeckCredentialsService, useValue: {} },
    ],
  };
}

describe('agent message handlers', () => {
  it('accepts a map with a handler for every kind', () => {
    expect(() => assertCompleteHandlers(complete)).not.toThrow();
  });

  it.each(AGENT_MESSAGE_KINDS)("refuses a map without a '%s' handler, naming it", (kind) => {
    const partial: Partial<AgentMessageHandlers> = { ...complete };
    delete partial[kind];
    expect(() => assertCompleteHandlers(partial)).toThrow(`no handler for agent message kind(s) '${kind}'`);
  });

  it('refuses a value that is not a function', () => {
    expect(() => assertCompleteHandlers({ ...complete, offline: 'ignore' })).toThrow("'offline'");
  });

  it('fails the boot of a Nest app whose handler map lacks a kind', async () => {
    const { offline: _left, ...partial } = complete;
    await expect(NestFactory.createApplicationContext(readerModule(partial), { logger: false, abortOnError: false })).rejects.toThrow("no handler for agent message kind(s) 'offline'");
  });

  it('boots with a complete map', async () => {
    const app = await NestFactory.createApplicationContext(readerModule(complete), { logger: false });
    await app.init();
    expect(app.get(EventStreamReader)).toBeInstanceOf(EventStreamReader);
    await app.close();
  });
});
