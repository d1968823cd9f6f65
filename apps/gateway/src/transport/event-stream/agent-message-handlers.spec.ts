import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { CONTRACT_VERSION } from '@ivoryos/contracts';
import { GATEWAY_CONFIG } from '../../config/gateway-config';
import { DeckCredentialsService } from '../../deck-credentials/deck-credentials.service';
import { AGENT_MESSAGE_HANDLER_NAMES, AGENT_MESSAGE_HANDLERS, assertCompleteHandlers, readAgentMessage, type AgentMessageHandlers } from './agent-message-handlers';
import { EventStreamReader } from './event-stream.reader';

const complete: AgentMessageHandlers = {
  register: async () => undefined,
  heartbeat: async () => undefined,
  offline: async () => undefined,
  'run-event': async (_deck, messages) => messages.length,
  'refused-registration': async () => undefined,
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

  it.each(AGENT_MESSAGE_HANDLER_NAMES)("refuses a map without a '%s' handler, naming it", (kind) => {
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

describe('readAgentMessage', () => {
  const agent = { pid: 42, host: 'lab-pc', version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z' };
  const schema = { schemaVersion: 1, deck: 'lab', hash: 'h1', instruments: {} };
  const register = { kind: 'register', schemaVersion: CONTRACT_VERSION, deck: 'lab', schema, agent, at: '2026-01-01T00:00:01.000Z' };
  const event = (e: object) => JSON.stringify({
    kind: 'run-event', schemaVersion: CONTRACT_VERSION, envelope: { runId: 'r1', deck: 'lab', seq: 1, at: '2026-01-01T00:00:01.000Z', event: e },
  });

  it('reads each kind of the contract', () => {
    expect(readAgentMessage(JSON.stringify(register))).toEqual({ ok: true, message: register });
    const waiting = { promptId: 'p1', kind: 'input', message: 'how much?', inputType: 'float', since: 'now', variable: 'ml' };
    const read = readAgentMessage(event({ type: 'run.status', status: 'waiting', waiting }));
    // A prompt is loose: what the interpreter adds reaches the operator.
    expect(read.ok && read.message.kind === 'run-event' && read.message.envelope.event).toEqual({ type: 'run.status', status: 'waiting', waiting });
  });

  it('names the field of a malformed message', () => {
    expect(readAgentMessage(event({ type: 'run.status', status: 'sleeping' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope\.event\.status: /) });
    expect(readAgentMessage(event({ type: 'teleport' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope\.event\.type: /) });
    expect(readAgentMessage('{')).toEqual({ ok: false, error: 'payload: not JSON' });
  });

  it('turns a registration of another contract version into a refusal naming both versions', () => {
    const read = readAgentMessage(JSON.stringify({ ...register, schemaVersion: 2 }));
    expect(read).toMatchObject({
      ok: false,
      refusal: { deck: 'lab', agent: { pid: 42, host: 'lab-pc', startedAt: agent.startedAt }, agentSpeaks: [2], gatewaySpeaks: [CONTRACT_VERSION] },
    });
    expect(!read.ok && read.refusal?.reason).toContain(`the agent speaks contract version 2; this gateway speaks ${CONTRACT_VERSION}`);
    const { schemaVersion: _v, ...unversioned } = register;
    expect(readAgentMessage(JSON.stringify(unversioned))).toMatchObject({ ok: false, refusal: { agentSpeaks: null } });
    // Other kinds of another version are unreadable, not refused: only a registration gets an answer.
    expect(readAgentMessage(JSON.stringify({ kind: 'offline', schemaVersion: 2, deck: 'lab', agent, at: 'x' }))).not.toHaveProperty('refusal');
  });
});
