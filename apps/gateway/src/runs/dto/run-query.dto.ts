import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PHASE_NAMES, RUN_STATUSES, type PhaseName, type RunStatus } from '@ivoryos/contracts';
import { PageQueryDto } from '../../common/page-query.dto';

const list = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value);

export class RunQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) deck?: string;

  @ApiPropertyOptional({ description: 'One status or several, comma-separated', example: 'running,waiting' })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(RUN_STATUSES.length)
  @IsIn(RUN_STATUSES, { each: true, message: `status must be among ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus[];

  @ApiPropertyOptional({ description: 'Case-insensitive part of the run name' }) @IsOptional() @IsString() @MaxLength(128) name?: string;
  @ApiPropertyOptional({ description: 'Workflow name at submission' }) @IsOptional() @IsString() @MaxLength(50) workflow?: string;
  @ApiPropertyOptional({ description: 'Runs created at or after (ISO time)' }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @ApiPropertyOptional({ description: 'Runs created before (ISO time)' }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @ApiPropertyOptional({ description: 'User or API key name that submitted the run' }) @IsOptional() @IsString() @MaxLength(100) startedBy?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) externalId?: string;
}

export class StepQueryDto {
  @ApiPropertyOptional({ enum: PHASE_NAMES }) @IsOptional() @IsIn(PHASE_NAMES) phase?: PhaseName;

  @ApiPropertyOptional({ description: 'The phase repeatIndex (1-based)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  iteration?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit = 500;
}
