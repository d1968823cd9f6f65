import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DirectCallsModule } from '../direct-calls/direct-calls.module';
import { RunsModule } from '../runs/runs.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { IvoryosCampaignService } from './ivoryos-campaign.service';
import { IvoryosCompatController } from './ivoryos-compat.controller';
import { IvoryosDecks } from './ivoryos-decks';
import { IvoryosDraftsService } from './ivoryos-drafts.service';
import { IvoryosExecutionsController } from './ivoryos-executions.controller';
import { IvoryosExecutionsService } from './ivoryos-executions.service';
import { IvoryosLibraryController } from './ivoryos-library.controller';
import { IvoryosLibraryService } from './ivoryos-library.service';
import { IvoryosRecordsService } from './ivoryos-records.service';
import { IvoryosTasksService } from './ivoryos-tasks.service';

/** IvoryOS 1.6.11's routes (its Python client and generated proxies), translated onto our API, records and run engine. */
@Module({
  imports: [AuthModule, DirectCallsModule, RunsModule, WorkflowsModule],
  controllers: [IvoryosCompatController, IvoryosLibraryController, IvoryosExecutionsController],
  providers: [IvoryosCampaignService, IvoryosDecks, IvoryosDraftsService, IvoryosExecutionsService, IvoryosLibraryService, IvoryosRecordsService, IvoryosTasksService],
})
export class CompatModule {}
