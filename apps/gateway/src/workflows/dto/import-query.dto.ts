import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { WORKFLOW_NAME_PATTERN, WORKFLOW_NAME_RULE } from './workflow-body.dto';

export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'Store under this name instead of the name in the file', maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(WORKFLOW_NAME_PATTERN, { message: `name ${WORKFLOW_NAME_RULE}` })
  name?: string;

  @ApiPropertyOptional({ description: 'Replace an existing workflow of that name (not a finalized one)', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overwrite?: boolean;
}
