import { Module } from '@nestjs/common';
import { DecksModule } from '../decks/decks.module';
import { TransportModule } from '../transport/transport.module';
import { RunControlsController } from './controls/run-controls.controller';
import { RunControlsService } from './controls/run-controls.service';
import { RunDispatcher } from './dispatch/run-dispatcher';
import { RunEventIngestor } from './ingest/run-event-ingestor';
import { RunUpdates } from './ingest/run-updates';
import { RunLiveController } from './live/run-live.controller';
import { RunStreamHub } from './live/run-stream-hub';
import { WebhookDeliveries } from './notify/webhook-deliveries';
import { WebhookNotifier } from './notify/webhook-notifier.service';
import { QueueController } from './queue/queue.controller';
import { QueueService } from './queue/queue.service';
import { RunFilesMirror } from './records/run-files.mirror';
import { RunLedger } from './records/run-ledger';
import { RunLogController } from './records/run-log.controller';
import { RunLogService } from './records/run-log.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { RunSubmissionController } from './submit/run-submission.controller';
import { RunSubmissionService } from './submit/run-submission.service';

@Module({
  imports: [DecksModule, TransportModule],
  controllers: [RunSubmissionController, RunControlsController, RunsController, QueueController, RunLiveController, RunLogController],
  providers: [
    RunsService, RunUpdates, RunEventIngestor, RunDispatcher, RunSubmissionService, RunControlsService, QueueService,
    RunLedger, RunStreamHub, RunLogService, RunFilesMirror, WebhookDeliveries, WebhookNotifier,
  ],
  exports: [RunsService, RunUpdates, RunEventIngestor, RunSubmissionService, RunControlsService, QueueService],
})
export class RunsModule {}
