import { Module } from '@nestjs/common';
import { QueueBoardService } from './queue-board.service';

/** The admins' read-only view of the deck queues at /ops/queues (mounted by mountQueueBoard). */
@Module({ providers: [QueueBoardService], exports: [QueueBoardService] })
export class QueueBoardModule {}
