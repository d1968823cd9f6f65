import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { PHASE_KEYS, type PhaseKey, type WorkflowStatus } from '@ivoryos/contracts';
import { IdOrderDto, ScriptDictDto } from './workflow-action.dto';

/** Names appear in URLs and file names: no slashes, control characters or surrounding spaces. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what the name must not hold
export const WORKFLOW_NAME_PATTERN = /^(?! )[^/\\\u0000-\u001f\u007f]*(?<! )$/;
export const WORKFLOW_NAME_RULE = 'must not contain slashes or control characters, nor start or end with a space';

export class WorkflowNameDto {
  @ApiProperty({ maxLength: 50, example: 'dose_and_measure' })
  @IsString()
  @Length(1, 50)
  @Matches(WORKFLOW_NAME_PATTERN, { message: `name ${WORKFLOW_NAME_RULE}` })
  name!: string;
}

/**
 * A workflow as the API takes it: IvoryOS's saved-script shape. Server-owned keys (author,
 * uuid, times, return_values) may be sent back as read, and are ignored.
 */
export class WorkflowBodyDto extends WorkflowNameDto {
  @ApiPropertyOptional({ maxLength: 50, nullable: true, type: String, example: 'abstract_sdl' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(50)
  deck?: string | null;

  @ApiPropertyOptional({ enum: ['editing', 'finalized'] })
  @IsOptional()
  @IsIn(['editing', 'finalized'])
  status?: WorkflowStatus;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  registered?: boolean;

  @ApiPropertyOptional({ type: ScriptDictDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScriptDictDto)
  script_dict?: ScriptDictDto;

  @ApiPropertyOptional({ type: IdOrderDto, description: 'Display order per phase; repaired when stale' })
  @IsOptional()
  @ValidateNested()
  @Type(() => IdOrderDto)
  id_order?: IdOrderDto;

  @ApiPropertyOptional({ enum: PHASE_KEYS })
  @IsOptional()
  @IsIn(PHASE_KEYS)
  editing_type?: PhaseKey;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(50) author?: string;
  @ApiPropertyOptional({ readOnly: true, nullable: true, type: String }) @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(36) uuid?: string | null;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(32) time_created?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(32) last_modified?: string;
  @ApiPropertyOptional({ readOnly: true, type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) return_values?: string[];
}

export class RegisterDto {
  @ApiProperty()
  @IsBoolean()
  registered!: boolean;
}
