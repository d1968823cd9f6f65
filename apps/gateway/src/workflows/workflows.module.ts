import { Module } from '@nestjs/common';
import { DecksModule } from '../decks/decks.module';
import { WorkflowChecksService } from './workflow-checks.service';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

@Module({
  imports: [DecksModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowChecksService],
  exports: [WorkflowsService, WorkflowChecksService],
})
export class WorkflowsModule {}
