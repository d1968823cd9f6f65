import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DECK_NAME_PATTERN, PHASE_KEYS } from '@ivoryos/contracts';
import { WORKFLOW_NAME_PATTERN, WORKFLOW_NAME_RULE, WorkflowBodyDto } from './workflow-body.dto';

export class DeckChoiceDto {
  @ApiPropertyOptional({ description: "Deck to check against; default the workflow's own deck" })
  @IsOptional()
  @IsString()
  @Matches(DECK_NAME_PATTERN, { message: 'deck must be 1 to 64 letters, digits, _ or -' })
  deck?: string;
}

/**
 * An unsaved workflow from an editor: the whole document `POST /api/workflows/import` takes, with
 * the name optional. Keys it does not model (python_script, newer IvoryOS keys) are ignored.
 */
export class WorkflowDraftDto extends OmitType(WorkflowBodyDto, ['name'] as const) {
  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  @Matches(WORKFLOW_NAME_PATTERN, { message: `name ${WORKFLOW_NAME_RULE}` })
  name?: string;
}

export class DraftCheckDto extends DeckChoiceDto {
  // Checked as a document (workflow-draft.ts), like an import, not by the strict body pipe:
  // the pipe would refuse the keys IvoryOS writes that we do not model.
  @ApiProperty({ type: WorkflowDraftDto })
  @IsDefined()
  @IsObject()
  workflow!: Record<string, unknown>;
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
