import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPlainObject } from '../../common/validators';
import type { JsonValue } from '@ivoryos/contracts';

export class PromptAnswerDto {
  @ApiPropertyOptional({ description: 'The prompt being answered; an answer to an older prompt is refused with 409' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  promptId?: string;
}

export class StopRunDto {
  @ApiPropertyOptional({ enum: ['after-iteration', 'now'], default: 'after-iteration' })
  @IsOptional()
  @IsIn(['after-iteration', 'now'])
  when?: 'after-iteration' | 'now';

  @ApiPropertyOptional({ description: 'Run the cleanup phase (after-iteration only; default true)' })
  @IsOptional()
  @IsBoolean()
  cleanup?: boolean;

  @ApiPropertyOptional({ description: "Start the deck's next queued run afterwards (default true)" })
  @IsOptional()
  @IsBoolean()
  continueQueue?: boolean;
}

export class InputAnswerDto extends PromptAnswerDto {
  @ApiProperty({ description: "The value, converted to the prompt's declared type" })
  @IsDefined()
  value!: JsonValue;
}

export class CommandResponse {
  @ApiProperty() commandId!: string;
  @ApiProperty({ enum: ['pause', 'resume', 'retry', 'skip', 'stop', 'input', 'trial'] }) type!: string;
  @ApiProperty({ description: 'The agent answered within the wait' }) answered!: boolean;
  @ApiPropertyOptional({ enum: ['applied', 'refused'] }) outcome?: string;
  @ApiPropertyOptional() reason?: string;
}

export class OperatorTrialDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: "A value for every tunable parameter of the campaign (fixed ones are filled in)" })
  @IsPlainObject()
  parameters!: Record<string, unknown>;
}

export class OperatorTrialResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As it will run (values converted, fixed ones filled in)' }) parameters!: Record<string, unknown>;
  @ApiProperty({ enum: ['operator'] }) suggestedBy!: 'operator';
  @ApiProperty({ enum: ['pending'], description: 'It runs as the next iteration once the run goes on (resume, or retry/skip of a waiting prompt)' }) status!: 'pending';
  @ApiProperty() commandId!: string;
  @ApiProperty({ description: 'The agent accepted it within the wait (otherwise it is delivered when the agent reads its commands)' }) answered!: boolean;
}
