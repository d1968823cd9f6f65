import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { JsonObject } from '@ivoryos/contracts';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { CompatAuthFilter } from './compat-auth.filter';
import { IVORYOS_PREFIXES } from './ivoryos-compat.controller';
import { IvoryosDecks } from './ivoryos-decks';
import { IvoryosLibraryService } from './ivoryos-library.service';

/** IvoryOS's library and Python submission, on our workflow store and the caller's loaded workflow. */
@ApiExcludeController()
@Controller(IVORYOS_PREFIXES)
@UseFilters(CompatAuthFilter)
export class IvoryosLibraryController {
  constructor(
    private readonly library: IvoryosLibraryService,
    private readonly decks: IvoryosDecks,
  ) {}

  @Get('library')
  @Access('viewer')
  list(@Query('keyword') keyword: unknown, @CurrentActor() actor: AuthActor): Promise<{ workflows: string[] }> {
    return this.library.list(typeof keyword === 'string' ? keyword : '', actor);
  }

  /** Loads the workflow for this caller (the draft `executions/config` runs), as IvoryOS's GET does. */
  @Get('library/:name')
  @Access('viewer')
  async load(@Param('deck') deckPath: string | undefined, @Param('name') name: string, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.library.load(name, await this.decks.resolve(deckPath, actor), actor);
  }

  @Post('draft/submit_python')
  @HttpCode(200)
  @Access('operator')
  async submitPython(@Param('deck') deckPath: string | undefined, @Body() body: unknown, @CurrentActor() actor: AuthActor): Promise<JsonObject> {
    return this.library.submitPython(body, await this.decks.resolve(deckPath, actor), actor);
  }
}
