import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
  @ApiProperty({ enum: ['pause', 'resume', 'retry', 'skip', 'stop', 'input'] }) type!: string;
  @ApiProperty({ description: 'The agent answered within the wait' }) answered!: boolean;
  @ApiPropertyOptional({ enum: ['applied', 'refused'] }) outcome?: string;
  @ApiPropertyOptional() reason?: string;
}
