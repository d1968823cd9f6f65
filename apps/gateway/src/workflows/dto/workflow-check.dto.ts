import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DECK_NAME_PATTERN, PHASE_KEYS } from '@ivoryos/contracts';
import { IdOrderDto, ScriptDictDto } from './workflow-action.dto';

export class DeckChoiceDto {
  @ApiPropertyOptional({ description: "Deck to check against; default the workflow's own deck" })
  @IsOptional()
  @IsString()
  @Matches(DECK_NAME_PATTERN, { message: 'deck must be 1 to 64 letters, digits, _ or -' })
  deck?: string;
}

/** An unsaved workflow from an editor: the name is optional. */
export class WorkflowDraftDto {
  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsString() @Length(1, 50) name?: string;
  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) deck?: string;
  @ApiProperty({ type: ScriptDictDto }) @IsDefined() @ValidateNested() @Type(() => ScriptDictDto) script_dict!: ScriptDictDto;
  @ApiPropertyOptional({ type: IdOrderDto }) @IsOptional() @ValidateNested() @Type(() => IdOrderDto) id_order?: IdOrderDto;
}

export class DraftCheckDto extends DeckChoiceDto {
  @ApiProperty({ type: WorkflowDraftDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => WorkflowDraftDto)
  workflow!: WorkflowDraftDto;
}

export class WorkflowIssueResponse {
  @ApiProperty({ enum: PHASE_KEYS }) phase!: string;
  @ApiProperty({ nullable: true, type: Number, description: "The action's id within its phase" }) stepId!: number | null;
  @ApiProperty({ example: 'args.param_1' }) field!: string;
  @ApiProperty() message!: string;
}

export class ParameterInfoResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) type!: string | string[];
  @ApiProperty({ type: 'object', properties: { phase: { type: 'string' }, stepId: { type: 'number' } } }) firstUse!: { phase: string; stepId: number };
}

export class ValidationResponse {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The deck whose schema was used; null when checked without one' }) deck!: string | null;
  @ApiProperty({ type: [WorkflowIssueResponse] }) errors!: WorkflowIssueResponse[];
  @ApiProperty({ type: [ParameterInfoResponse] }) parameters!: ParameterInfoResponse[];
  @ApiProperty({ type: [String] }) outputs!: string[];
  @ApiProperty({ type: [String], enum: ['repeat', 'parameters', 'optimizer'], isArray: true }) runModes!: string[];
}

export class CodeResponse {
  @ApiProperty({ enum: ['typescript'] }) language!: 'typescript';
  @ApiProperty() code!: string;
}
