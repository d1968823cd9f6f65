import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../../common/actor';
import { RunIdParam } from '../run-id.pipe';
import { RunListResponse } from '../dto/run-response.dto';
import { CommandResponse, InputAnswerDto, OperatorTrialDto, OperatorTrialResponse, PromptAnswerDto, StopRunDto } from './control-run.dto';
import { RunControlsService } from './run-controls.service';

@ApiTags('runs')
@Access('operator')
@Controller()
export class RunControlsController {
  constructor(private readonly controls: RunControlsService) {}

  @Post('runs/:id/pause')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Pause at the next step boundary (the run shows paused once the agent has stopped)' })
  @ApiAcceptedResponse({ type: CommandResponse })
  pause(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor) {
    return this.controls.control(id, { type: 'pause' }, actor);
  }

  @Post('runs/:id/resume')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Resume a paused run, answer a pause step, or cancel a pause not yet applied (the step under way has not ended)' })
  @ApiAcceptedResponse({ type: CommandResponse })
  resume(@Param('id', RunIdParam) id: string, @Body() body: PromptAnswerDto, @CurrentActor() actor: AuthActor) {
    return this.controls.control(id, { type: 'resume', promptId: body.promptId }, actor);
  }

  @Post('runs/:id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Run the failed or interrupted step again' })
  @ApiAcceptedResponse({ type: CommandResponse })
  retry(@Param('id', RunIdParam) id: string, @Body() body: PromptAnswerDto, @CurrentActor() actor: AuthActor) {
    return this.controls.control(id, { type: 'retry', promptId: body.promptId }, actor);
  }

  @Post('runs/:id/skip')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Go on after the failed or interrupted step' })
  @ApiAcceptedResponse({ type: CommandResponse })
  skip(@Param('id', RunIdParam) id: string, @Body() body: PromptAnswerDto, @CurrentActor() actor: AuthActor) {
    return this.controls.control(id, { type: 'skip', promptId: body.promptId }, actor);
  }

  @Post('runs/:id/stop')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Stop after this iteration (cleanup by default) or now (no cleanup; the deck's safe_state runs)" })
  @ApiAcceptedResponse({ type: CommandResponse })
  stop(@Param('id', RunIdParam) id: string, @Body() body: StopRunDto, @CurrentActor() actor: AuthActor) {
    const when = body.when ?? 'after-iteration';
    const stop = { when, cleanup: body.cleanup ?? when === 'after-iteration', continueQueue: body.continueQueue ?? true };
    return this.controls.control(id, { type: 'stop', stop }, actor);
  }

  @Post('runs/:id/input')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Answer an input step with a value of its declared type" })
  @ApiAcceptedResponse({ type: CommandResponse })
  input(@Param('id', RunIdParam) id: string, @Body() body: InputAnswerDto, @CurrentActor() actor: AuthActor) {
    return this.controls.control(id, { type: 'input', promptId: body.promptId, value: body.value }, actor);
  }

  @Post('runs/:id/trials')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "Insert an operator's trial into a paused or waiting optimizer run: it runs as the next iteration and feeds the optimizer like any other" })
  @ApiCreatedResponse({ type: OperatorTrialResponse })
  trial(@Param('id', RunIdParam) id: string, @Body() body: OperatorTrialDto, @CurrentActor() actor: AuthActor): Promise<OperatorTrialResponse> {
    return this.controls.trial(id, body.parameters, actor);
  }

  @Get('attention')
  @Access('viewer')
  @ApiOperation({ summary: 'Every run that needs someone, oldest first: waiting, or in progress on a deck whose agent is offline' })
  @ApiOkResponse({ type: RunListResponse })
  attention(@CurrentActor() actor: AuthActor): Promise<RunListResponse> {
    return this.controls.waiting(actor.deck);
  }
}
