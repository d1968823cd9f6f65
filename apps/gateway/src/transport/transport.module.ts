import { Module } from '@nestjs/common';
import { DeckCommandSender } from './deck-command.sender';
import { DeckJobQueues } from './deck-job-queues';
import { DirectCallProducer } from './direct-call.producer';
import { RunCommandSender } from './run-command.sender';
import { RunConfirmations } from './run-confirmations';
import { RunHandoverProducer } from './run-handover.producer';

/**
 * Everything the gateway sends to deck agents: run hand-overs and direct calls (BullMQ job
 * queues), run and deck commands (command stream) and confirmations (confirmed hash). What agents send
 * back is read by the EventStreamModule.
 */
@Module({
  providers: [DeckJobQueues, DirectCallProducer, RunHandoverProducer, RunCommandSender, DeckCommandSender, RunConfirmations],
  exports: [DirectCallProducer, RunHandoverProducer, RunCommandSender, DeckCommandSender, RunConfirmations],
})
export class TransportModule {}
