import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { JsonObject } from '@ivoryos/contracts';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { CompatAuthFilter } from './compat-auth.filter';
import { IVORYOS_PREFIXES } from './ivoryos-compat.controller';
import { IvoryosCampaignService } from './ivoryos-campaign.service';
import { IvoryosDecks } from './ivoryos-decks';
import { IvoryosExecutionsService } from './ivoryos-executions.service';
import { IvoryosRecordsService } from './ivoryos-records.service';

/**
 * IvoryOS's execution and record routes, on our run engine and records. IvoryOS leaves status,
 * pause/resume, the aborts and a record's detail open to anyone; here they need a session.
 */
@ApiExcludeController()
@Controller(IVORYOS_PREFIXES)
@UseFilters(CompatAuthFilter)
export class IvoryosExecutionsController {
  constructor(
    private readonly executions: IvoryosExecutionsService,
    private readonly records: IvoryosRecordsService,
    private readonly decks: IvoryosDecks,
    private readonly campaigns: IvoryosCampaignService,
  ) {}

  @Post('executions/campaign')
  @HttpCode(200)
  @Access('operator')
  async campaign(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.campaigns.campaign(body, await this.decks.resolve(deckPath, actor), actor);
  }

  @Post('executions/optimizer_schema')
  @HttpCode(200)
  @Access('viewer')
  optimizerSchema(@Body() body: unknown): JsonObject {
    return this.campaigns.schema(body);
  }

  @Post('executions/config')
  @HttpCode(200)
  @Access('operator')
  async config(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.config(body, await this.decks.resolve(deckPath, actor), actor);
  }

  @Get('executions/status')
  @Access('viewer')
  async status(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.status(await this.decks.resolve(deckPath, actor));
  }

  @Get('executions/queue')
  @Access('viewer')
  async queue(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject[]> {
    return this.executions.pending(await this.decks.resolve(deckPath, actor));
  }

  @Post('executions/pause-resume')
  @HttpCode(200)
  @Access('operator')
  async pauseResume(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.togglePause(await this.decks.resolve(deckPath, actor), actor);
  }

  @Post('executions/abort/next-iteration')
  @HttpCode(200)
  @Access('operator')
  async abortPending(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.abort(await this.decks.resolve(deckPath, actor), 'after-iteration', actor);
  }

  @Post('executions/abort/next-task')
  @HttpCode(200)
  @Access('operator')
  async abortCurrent(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.abort(await this.decks.resolve(deckPath, actor), 'now', actor);
  }

  @Get('executions/queue/task/:id')
  @Access('viewer')
  async queuedTask(@Param('deck') deckPath: string | undefined, @Param('id') id: string, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.queuedTask(await this.decks.resolve(deckPath, actor), id);
  }

  @Post('executions/queue/delete')
  @HttpCode(200)
  @Access('operator')
  async queueDelete(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.queueDelete(await this.decks.resolve(deckPath, actor), body);
  }

  @Post('executions/queue/reorder')
  @HttpCode(200)
  @Access('operator')
  async queueReorder(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.queueReorder(await this.decks.resolve(deckPath, actor), body);
  }

  @Post('executions/queue/task/rename')
  @HttpCode(200)
  @Access('operator')
  async queueRename(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.queueRename(await this.decks.resolve(deckPath, actor), body);
  }

  @Post('executions/retry')
  @HttpCode(200)
  @Access('operator')
  async retry(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.retry(await this.decks.resolve(deckPath, actor), actor);
  }

  @Get('executions/current_task')
  @Access('viewer')
  async currentTask(@Param('deck') deckPath: string | undefined, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.executions.currentTask(await this.decks.resolve(deckPath, actor));
  }

  @Get('executions/records')
  @Access('viewer')
  async list(@Param('deck') deckPath: string | undefined, @Query('keyword') keyword: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.records.list(await this.decks.resolve(deckPath, actor), typeof keyword === 'string' ? keyword : '');
  }

  @Get('executions/records/:id')
  @Access('viewer')
  async detail(@Param('deck') deckPath: string | undefined, @Param('id') id: string, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.records.detail(await this.decks.resolve(deckPath, actor), id);
  }
}
