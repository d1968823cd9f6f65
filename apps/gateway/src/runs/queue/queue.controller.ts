import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { DeckNameParam } from '../../common/param-pipes';
import { MoveRunDto, QueueResponse } from './queue.dto';
import { QueueService } from './queue.service';

@ApiTags('queue')
@Access('operator')
@Controller('decks/:deck/queue')
export class QueueController {
  constructor(private readonly queue: QueueService) {}

  @Get()
  @Access('viewer')
  @ApiOperation({ summary: "The deck's running run and its queue in order" })
  @ApiOkResponse({ type: QueueResponse })
  get(@Param('deck', DeckNameParam) deck: string): Promise<QueueResponse> {
    return this.queue.get(deck);
  }

  @Post('move')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Move a queued run to another position' })
  @ApiOkResponse({ type: QueueResponse })
  move(@Param('deck', DeckNameParam) deck: string, @Body() body: MoveRunDto): Promise<QueueResponse> {
    return this.queue.move(deck, body.runId, body.to);
  }

  @Post('pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Start no further runs on this deck (the current one goes on)' })
  @ApiOkResponse({ type: QueueResponse })
  pause(@Param('deck', DeckNameParam) deck: string): Promise<QueueResponse> {
    return this.queue.setPaused(deck, true);
  }

  @Post('resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Start queued runs again' })
  @ApiOkResponse({ type: QueueResponse })
  resume(@Param('deck', DeckNameParam) deck: string): Promise<QueueResponse> {
    return this.queue.setPaused(deck, false);
  }
}
