import { Module } from '@nestjs/common';
import { RunLiveController } from './live/run-live.controller';
import { RunStreamHub } from './live/run-stream-hub';
import { WebhookDeliveries } from './notify/webhook-deliveries';
import { WebhookNotifier } from './notify/webhook-notifier.service';
import { RunFilesMirror } from './records/run-files.mirror';
import { RunLedger } from './records/run-ledger';
import { RunLogController } from './records/run-log.controller';
import { RunLogService } from './records/run-log.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  controllers: [RunsController, RunLiveController, RunLogController],
  providers: [RunsService, RunLedger, RunStreamHub, RunLogService, RunFilesMirror, WebhookDeliveries, WebhookNotifier],
  exports: [RunsService],
})
export class RunsModule {}
