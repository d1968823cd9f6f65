import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { toCsv } from '../common/csv';
import { RunIdParam } from './run-id.pipe';
import { RunQueryDto, StepQueryDto } from './dto/run-query.dto';
import { ResultsResponse, RunListResponse, RunResponse, StepPageResponse, TrialsResponse } from './dto/run-response.dto';
import { RunsService } from './runs.service';

const STEP_COLUMNS = [
  'id', 'phase', 'repeatIndex', 'stepIndex', 'sample', 'instrument', 'methodName', 'attempt', 'status',
  'startedAt', 'endedAt', 'error', 'args', 'output', 'context',
];

@ApiTags('runs')
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @Access('viewer')
  @ApiOperation({ summary: 'List runs, newest first' })
  @ApiOkResponse({ type: RunListResponse })
  list(@Query() q: RunQueryDto, @CurrentActor() actor: AuthActor): Promise<RunListResponse> {
    return this.runs.list(q, actor.deck);
  }

  @Get(':id')
  @Access('viewer')
  @ApiOperation({ summary: 'A run with its phases and every step attempt' })
  @ApiOkResponse({ type: RunResponse })
  get(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor): Promise<RunResponse> {
    return this.runs.get(id, actor.deck);
  }

  @Get(':id/steps')
  @Access('viewer')
  @ApiOperation({ summary: "Page through a run's step records" })
  @ApiOkResponse({ type: StepPageResponse })
  steps(@Param('id', RunIdParam) id: string, @Query() q: StepQueryDto, @CurrentActor() actor: AuthActor): Promise<StepPageResponse> {
    return this.runs.steps(id, q, actor.deck);
  }

  @Get(':id/results')
  @Access('viewer')
  @ApiOperation({ summary: 'One row per sample: parameters, variables and outputs' })
  @ApiOkResponse({ type: ResultsResponse })
  results(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor): Promise<ResultsResponse> {
    return this.runs.results(id, actor.deck);
  }

  @Get(':id/trials')
  @Access('viewer')
  @ApiOperation({ summary: "An optimizer run's trials: parameters, outputs, who suggested them, acquisition, fit time, best so far; the best trial or the Pareto front" })
  @ApiOkResponse({ type: TrialsResponse })
  trials(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor): Promise<TrialsResponse> {
    return this.runs.trials(id, actor.deck);
  }

  @Get(':id/results.csv')
  @Access('viewer')
  @ApiOperation({ summary: 'The results table as CSV' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'CSV with a header row' })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async resultsCsv(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor, @Res({ passthrough: true }) res: Response): Promise<string> {
    const table = await this.runs.results(id, actor.deck);
    res.setHeader('Content-Disposition', `attachment; filename="run-${id}-results.csv"`);
    return toCsv(table.columns, table.rows);
  }

  @Get(':id/steps.csv')
  @Access('viewer')
  @ApiOperation({ summary: 'Every step record as CSV' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'CSV with a header row' })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async stepsCsv(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor, @Res({ passthrough: true }) res: Response): Promise<string> {
    const steps = await this.runs.allSteps(id, actor.deck);
    res.setHeader('Content-Disposition', `attachment; filename="run-${id}-steps.csv"`);
    return toCsv(STEP_COLUMNS, steps as unknown as Record<string, unknown>[]);
  }

  @Delete(':id')
  @Access('operator')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a finished run and its records' })
  @ApiNoContentResponse()
  async remove(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.runs.remove(id, actor.deck);
  }
}
