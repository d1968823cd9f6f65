import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

export const WORKFLOW_SORT_FIELDS = ['name', 'deck', 'status', 'author', 'time_created', 'last_modified'] as const;
const SORT_VALUES = WORKFLOW_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

export class WorkflowQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive part of the name or description' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  keyword?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) deck?: string;
  @ApiPropertyOptional({ enum: ['editing', 'finalized'] }) @IsOptional() @IsIn(['editing', 'finalized']) status?: 'editing' | 'finalized';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) author?: string;

  @ApiPropertyOptional({ enum: SORT_VALUES, description: 'A field name; prefix with - for descending', default: '-last_modified' })
  @IsOptional()
  @IsIn(SORT_VALUES)
  sort?: string;
}
