import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../../common/actor';
import { RunIdParam } from '../run-id.pipe';
import { RunLogService } from './run-log.service';

export class RunLogQueryDto {
  @ApiPropertyOptional({ description: 'One line per step (default: the IVORYOS_RUN_LOG_STEPS setting, true); false keeps only steps that did not complete' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  steps?: boolean;
}

@ApiTags('runs')
@Controller('runs')
export class RunLogController {
  private readonly logger = new Logger(RunLogController.name);

  constructor(private readonly log: RunLogService) {}

  @Get(':id/log')
  @Access('viewer')
  @ApiOperation({
    summary: "The run's log, `<ISO time> <LEVEL> <message>` per line: phases, iterations with their parameters, steps with their outcome, waits, controls and who sent them, status changes, messages",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Plain text, one line per event, oldest first', schema: { type: 'string' } })
  async get(@Param('id', RunIdParam) id: string, @Query() q: RunLogQueryDto, @CurrentActor() actor: AuthActor, @Res() res: Response): Promise<void> {
    const pages = await this.log.open(id, actor.deck, q.steps);
    res.status(200).setHeader('Content-Type', 'text/plain; charset=utf-8');
    try {
      for await (const page of pages) {
        if (!res.write(page)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
        if (res.destroyed) return;
      }
      res.end();
    } catch (err) {
      if (!res.headersSent) throw err;
      // Headers are out: the only honest signal left is a broken response.
      this.logger.error(`log of run ${id}: ${(err as Error).message}`);
      res.destroy(err as Error);
    }
  }
}
