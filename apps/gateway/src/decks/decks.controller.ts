import { Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { DeckNameParam } from '../common/param-pipes';
import { DeckListResponse, DeckResponse } from './dto/deck-response.dto';
import { DeckRestartService } from './deck-restart.service';
import { DecksService } from './decks.service';
import { DeckRestartResponse } from './dto/deck-restart.dto';

@ApiTags('decks')
@Controller('decks')
@Access('viewer')
export class DecksController {
  constructor(
    private readonly decks: DecksService,
    private readonly restarts: DeckRestartService,
  ) {}

  @Get()
  @ApiOperation({ summary: "Decks known to the gateway, with presence from their agents' heartbeats" })
  @ApiOkResponse({ type: DeckListResponse })
  list(@CurrentActor() actor: AuthActor): Promise<DeckListResponse> {
    return this.decks.list(actor.deck);
  }

  @Get(':deck')
  @ApiOperation({ summary: 'A deck with its full interface schema (readable while its agent is offline)' })
  @ApiOkResponse({ type: DeckResponse })
  get(@Param('deck', DeckNameParam) deck: string): Promise<DeckResponse> {
    return this.decks.get(deck);
  }

  @Get(':deck/proxy.ts')
  @ApiOperation({ summary: 'A typed TypeScript client for the deck: one class per instrument, one method per action' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async proxy(@Param('deck', DeckNameParam) deck: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('Content-Disposition', `attachment; filename="${deck}.proxy.ts"`);
    return this.decks.proxy(deck);
  }

  @Post(':deck/restart')
  @Access('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Restart a Python deck's bridge child (re-imports the deck): the way out of a hung driver call or a degraded bridge. A call in progress is cut and its step becomes interrupted",
  })
  @ApiAcceptedResponse({ type: DeckRestartResponse })
  @ApiNotFoundResponse({ description: 'No such deck' })
  @ApiConflictResponse({ description: 'Not a Python deck, or its agent is offline' })
  @ApiServiceUnavailableResponse({ description: 'Redis is unreachable; nothing was sent' })
  restart(@Param('deck', DeckNameParam) deck: string, @CurrentActor() actor: AuthActor): Promise<DeckRestartResponse> {
    return this.restarts.restart(deck, actor);
  }
}
