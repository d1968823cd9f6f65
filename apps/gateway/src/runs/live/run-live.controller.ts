import { Controller, Get, Headers, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { JsonObject, RunStatus } from '@ivoryos/contracts';
import { Access } from '../../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../../common/actor';
import { RunIdParam } from '../run-id.pipe';
import { RunLedger } from '../records/run-ledger';
import { RunsService } from '../runs.service';
import { RunEventStream } from './run-event-stream';
import { RunStreamHub } from './run-stream-hub';
import { parseLastEventId } from './sse-format';

@ApiTags('runs')
@Controller('runs')
export class RunLiveController {
  private readonly logger = new Logger(RunLiveController.name);

  constructor(
    private readonly runs: RunsService,
    private readonly ledger: RunLedger,
    private readonly hub: RunStreamHub,
  ) {}

  @Get(':id/events')
  @Access('viewer')
  @ApiOperation({
    summary: "Follow a run live (Server-Sent Events): `snapshot`, then the run's events (`status`, `prompt`, `step`, `phase`, `progress`, `log`, `command`) with their seq as id, `end` after the final status",
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (sent by EventSource on reconnect)' })
  @ApiQuery({ name: 'lastEventId', required: false, type: Number, description: 'Same as Last-Event-ID, for clients that cannot set headers; 0 replays every event' })
  @ApiOkResponse({ description: 'text/event-stream; each message\'s data is JSON `{ seq, at, type, ...event }`', schema: { type: 'string' } })
  async events(
    @Param('id', RunIdParam) id: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: unknown,
    @CurrentActor() actor: AuthActor,
    @Res() res: Response,
  ): Promise<void> {
    const resumeAfter = parseLastEventId(lastEventIdHeader, lastEventIdQuery);
    // The position is read before the snapshot, so the snapshot holds at least everything up to it.
    const position = await this.ledger.position(id, actor.deck);
    const snapshot = await this.runs.get(id, actor.deck); // 404 (JSON, before any SSE header) for unknown runs
    new RunEventStream(res, {
      runId: id,
      cursor: resumeAfter ?? position?.lastSeq ?? 0,
      snapshot: snapshot as unknown as JsonObject & { status: RunStatus },
      ledger: this.ledger,
      hub: this.hub,
      logger: this.logger,
    }).start();
  }
}
