import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IdOrderDto, ScriptDictDto } from './workflow-action.dto';

export class WorkflowResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) deck!: string | null;
  @ApiProperty({ enum: ['editing', 'finalized'] }) status!: 'editing' | 'finalized';
  @ApiProperty({ type: ScriptDictDto }) script_dict!: ScriptDictDto;
  @ApiProperty({ type: IdOrderDto }) id_order!: IdOrderDto;
  @ApiProperty({ enum: ['prep', 'script', 'cleanup'] }) editing_type!: string;
  @ApiProperty() author!: string;
  @ApiProperty() description!: string;
  @ApiProperty() registered!: boolean;
  @ApiProperty({ type: [String] }) return_values!: string[];
  @ApiProperty({ nullable: true, type: String }) uuid!: string | null;
  @ApiProperty({ example: '2024-10-21 19:38:26', description: 'UTC' }) time_created!: string;
  @ApiProperty({ example: '2024-10-21 19:38:26', description: 'UTC' }) last_modified!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true, description: 'Kept from imported IvoryOS files' })
  python_script?: Record<string, string> | null;
}

export class WorkflowSummaryResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) deck!: string | null;
  @ApiProperty({ enum: ['editing', 'finalized'] }) status!: string;
  @ApiProperty() author!: string;
  @ApiProperty() description!: string;
  @ApiProperty() registered!: boolean;
  @ApiProperty({ nullable: true, type: String }) uuid!: string | null;
  @ApiProperty({ description: 'Actions in all phases' }) steps!: number;
  @ApiProperty() time_created!: string;
  @ApiProperty() last_modified!: string;
}

export class WorkflowListResponse {
  @ApiProperty({ type: [WorkflowSummaryResponse] }) items!: WorkflowSummaryResponse[];
  @ApiProperty() total!: number;
}
