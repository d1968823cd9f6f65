import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../../common/actor';
import { UuidParam } from '../../common/param-pipes';
import { RunLogService } from './run-log.service';

@ApiTags('runs')
@Controller('runs')
export class RunLogController {
  private readonly logger = new Logger(RunLogController.name);

  constructor(private readonly log: RunLogService) {}

  @Get(':id/log')
  @Access('viewer')
  @ApiOperation({
    summary: "The run's log: one line per log message and status change, `<ISO time> <LEVEL> <message>`",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Plain text, one line per event, oldest first', schema: { type: 'string' } })
  async get(@Param('id', UuidParam) id: string, @CurrentActor() actor: AuthActor, @Res() res: Response): Promise<void> {
    const pages = await this.log.open(id, actor.deck);
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
