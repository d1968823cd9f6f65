import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CallQueryDto {
  @ApiPropertyOptional({ description: 'Run even while a workflow run holds the deck', default: false })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  override?: boolean;

  @ApiPropertyOptional({ description: 'How long to wait for the answer (ms); the call still completes later', default: 30000, minimum: 1, maximum: 3600000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  timeoutMs?: number;
}

export class CallResultResponse {
  @ApiProperty() id!: string;
  @ApiProperty() success!: boolean;
  @ApiProperty({ nullable: true, description: "The method's return value" }) output!: unknown;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
}

export class ControlStepResponse extends CallResultResponse {
  @ApiProperty() deck!: string;
  @ApiProperty() instrument!: string;
  @ApiProperty() methodName!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Arguments as submitted' }) kwargs!: Record<string, unknown>;
  @ApiProperty({ enum: ['pending', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) calledBy!: string | null;
  @ApiProperty() createdAt!: string;
}

export class ControlStepListResponse {
  @ApiProperty({ type: [ControlStepResponse] }) items!: ControlStepResponse[];
  @ApiProperty() total!: number;
}

export class ControlStepQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) deck?: string;
  @ApiPropertyOptional({ example: 'deck.sdl' }) @IsOptional() @IsString() @MaxLength(128) instrument?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) method?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) calledBy?: string;
}
