import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody, ApiGatewayTimeoutResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { BadInput } from '../common/domain-errors';
import type { RequestWithTiming } from '../common/hop-timing';
import { DeckNameParam, InstrumentNameParam, MethodNameParam, UuidParam } from '../common/param-pipes';
import { DirectCallsService } from './direct-calls.service';
import { CallQueryDto, CallResultResponse, ControlStepListResponse, ControlStepQueryDto, ControlStepResponse } from './dto/direct-call.dto';

@ApiTags('control')
@Controller()
export class DirectCallsController {
  constructor(private readonly control: DirectCallsService) {}

  @Post('decks/:deck/instruments/:instrument/:method')
  @Access('operator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Call one instrument method on the deck's agent; arguments as the JSON body" })
  @ApiParam({ name: 'instrument', example: 'deck.sdl' })
  @ApiParam({ name: 'method', example: 'analyze' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried request with the same key returns the first answer' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { param_1: 1, param_2: 2 } } })
  @ApiOkResponse({ type: CallResultResponse, description: 'A driver exception is a normal answer with success false' })
  @ApiServiceUnavailableResponse({ description: 'The deck is offline' })
  @ApiGatewayTimeoutResponse({ description: 'No answer in time; the body carries the call id' })
  async call(
    @Param('deck', DeckNameParam) deck: string,
    @Param('instrument', InstrumentNameParam) instrument: string,
    @Param('method', MethodNameParam) method: string,
    @Body() body: unknown,
    @Query() q: CallQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentActor() actor: AuthActor,
    @Req() req: RequestWithTiming,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CallResultResponse> {
    const timing = req.hopTiming; // only with IVORYOS_HOP_TIMING (benchmarks)
    timing?.mark('handler');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw BadInput.field('Idempotency-Key', 'must be 1 to 128 printable characters without spaces');
    }
    const answer = await this.control.call({
      deck, instrument, method, body, override: q.override, timeoutMs: q.timeoutMs, idempotencyKey, calledBy: actor.name, calledByKind: actor.kind, timing,
    });
    if (timing) res.setHeader('Server-Timing', timing.header());
    return answer;
  }

  @Get('control-steps')
  @Access('viewer')
  @ApiOperation({ summary: 'Direct-control calls, newest first' })
  @ApiOkResponse({ type: ControlStepListResponse })
  list(@Query() q: ControlStepQueryDto, @CurrentActor() actor: AuthActor): Promise<ControlStepListResponse> {
    return this.control.list(q, actor.deck);
  }

  @Get('control-steps/:id')
  @Access('viewer')
  @ApiOperation({ summary: 'One direct-control call (also one that timed out)' })
  @ApiOkResponse({ type: ControlStepResponse })
  get(@Param('id', UuidParam) id: string, @CurrentActor() actor: AuthActor): Promise<ControlStepResponse> {
    return this.control.get(id, actor.deck);
  }
}
