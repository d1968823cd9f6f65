import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import type { JsonObject, ReturnFormat, TypeDescriptor } from '@ivoryos/contracts';
import { IsIntOrString, IsPlainObject, IsStringArrayOrBoolean, IsStringOrStringArray } from '../../common/validators';

/** One entry of a phase list, with every key IvoryOS writes. */
export class WorkflowActionDto {
  @ApiProperty({ description: '1-based position within its phase' })
  @IsInt()
  @Min(0)
  id!: number;

  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string' }], description: 'Shared by all markers of one block' })
  @IsIntOrString()
  uuid!: number | string;

  @ApiProperty({ example: 'deck.sdl' })
  @IsString()
  @MaxLength(128)
  instrument!: string;

  @ApiProperty({ example: 'analyze' })
  @IsString()
  @MaxLength(128)
  action!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsPlainObject()
  args?: JsonObject;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsPlainObject()
  arg_types?: Record<string, TypeDescriptor>;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @IsOptional()
  @IsStringOrStringArray()
  return?: string | string[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() disabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() batch_action?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() coroutine?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() has_kwargs?: boolean;

  @ApiPropertyOptional({ oneOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'string' } }] })
  @IsOptional()
  @IsStringArrayOrBoolean()
  consolidate_batch_args?: string[] | boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  arg_order?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsPlainObject()
  return_format?: ReturnFormat;

  @ApiPropertyOptional({ type: () => [WorkflowActionDto], description: 'Embedded registered workflow' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkflowActionDto)
  workflow?: WorkflowActionDto[];
}

export class ScriptDictDto {
  @ApiProperty({ type: [WorkflowActionDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkflowActionDto)
  prep: WorkflowActionDto[] = [];

  @ApiProperty({ type: [WorkflowActionDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkflowActionDto)
  script: WorkflowActionDto[] = [];

  @ApiProperty({ type: [WorkflowActionDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkflowActionDto)
  cleanup: WorkflowActionDto[] = [];
}

export class IdOrderDto {
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) prep: string[] = [];
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) script: string[] = [];
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) cleanup: string[] = [];
}
