import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Patch, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Access } from '../../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../../common/actor';
import { BadInput } from '../../common/domain-errors';
import { findHostileValue } from '../../common/hostile-input';
import { RunIdParam } from '../run-id.pipe';
import { QueueService } from '../queue/queue.service';
import { RunSubmissionService } from './run-submission.service';
import { SubmitRunDto, SubmitRunResponse } from './submit-run.dto';

const CSV_LIMIT = 5 * 1024 * 1024;

export class RenameRunDto {
  @ApiProperty({ maxLength: 128 }) @IsString() @Length(1, 128) name!: string;
}

@ApiTags('runs')
@Access('operator')
@Controller('runs')
export class RunSubmissionController {
  constructor(
    private readonly submission: RunSubmissionService,
    private readonly queue: QueueService,
  ) {}

  @Post()

  @ApiOperation({ summary: "Queue a run of a saved workflow on a deck (JSON, or multipart with an IvoryOS config CSV as 'file')" })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: SubmitRunDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried submit with the same key returns the same run' })
  @ApiCreatedResponse({ type: SubmitRunResponse })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: CSV_LIMIT, files: 1, fields: 20 } }))
  submit(
    @Body() body: SubmitRunDto,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentActor() actor: AuthActor,
  ): Promise<SubmitRunResponse> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw BadInput.field('Idempotency-Key', 'must be 1 to 128 printable characters without spaces');
    }
    const csv = file ? file.buffer.toString('utf8') : undefined;
    // Uploads skip the check JSON bodies get before any route (common/hostile-input.ts).
    const hostile = csv === undefined ? undefined : findHostileValue(csv, 'file');
    if (hostile) throw BadInput.field(hostile.path, hostile.message);
    return this.submission.submit(body, csv, actor, idempotencyKey);
  }

  @Patch(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Rename a run' })
  @ApiNoContentResponse()
  async rename(@Param('id', RunIdParam) id: string, @Body() body: RenameRunDto, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.queue.rename(id, body.name, actor.deck);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Cancel a queued run (one not yet handed to its agent)' })
  @ApiNoContentResponse()
  async cancel(@Param('id', RunIdParam) id: string, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.queue.cancel(id, actor.deck);
  }
}
