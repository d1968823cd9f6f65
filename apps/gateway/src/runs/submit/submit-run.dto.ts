import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min,
} from 'class-validator';
import { DECK_NAME_PATTERN, ERROR_POLICIES, type ErrorPolicy, type JsonObject } from '@ivoryos/contracts';
import { IsPlainObject } from '../../common/validators';
import { OPTIMIZER_REQUEST_SCHEMA } from './optimizer-request.schema';

/** Multipart form fields arrive as text; JSON bodies keep their types. */
const int = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const json = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
const list = ({ value }: { value: unknown }) => (typeof value === 'string' ? (value.trim().startsWith('[') ? json({ value }) : value.split(',').map((s) => s.trim()).filter(Boolean)) : value);

export class SubmitRunDto {
  @ApiProperty({ description: 'Name of a saved workflow' })
  @IsString()
  @Length(1, 50)
  workflow!: string;

  @ApiPropertyOptional({ description: "Deck to run on; default the workflow's deck" })
  @IsOptional()
  @IsString()
  @Matches(DECK_NAME_PATTERN, { message: 'deck must be 1 to 64 letters, digits, _ or -' })
  deck?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'Display name; default the workflow name' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000, description: 'Iterations, for a workflow without run parameters' })
  @IsOptional()
  @Transform(int)
  @IsInt()
  @Min(1)
  @Max(100_000)
  repeat?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'One row per sample, for a workflow with run parameters' })
  @IsOptional()
  @Transform(json)
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsPlainObject({ each: true })
  parameters?: JsonObject[];

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1, description: 'Samples per iteration' })
  @IsOptional()
  @Transform(int)
  @IsInt()
  @Min(1)
  @Max(1000)
  batchSize?: number;

  @ApiPropertyOptional({ enum: ERROR_POLICIES, default: 'wait', description: 'When a step fails: wait for an operator, skip it, or stop the run' })
  @IsOptional()
  @IsIn(ERROR_POLICIES)
  onError?: ErrorPolicy;

  @ApiPropertyOptional({ type: [String], description: 'Webhook URLs told when the run waits, completes or fails' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(10)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { each: true, message: 'notify must hold http(s) URLs' })
  notify?: string[];

  @ApiPropertyOptional({ maxLength: 128, description: 'Your own id (a LIMS order), filterable' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  externalId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @Transform(json)
  @IsPlainObject()
  metadata?: JsonObject;

  @ApiPropertyOptional({
    ...OPTIMIZER_REQUEST_SCHEMA,
    description: 'An optimizer campaign (run mode optimizer): each trial runs the script phase with the parameters the optimizer suggests; '
      + 'prep runs once before, cleanup once after. Every problem is answered as a 400 by field path (optimizer.objectives[0].output, ...).',
  })
  @IsOptional()
  @Transform(json)
  @IsPlainObject()
  optimizer?: JsonObject;
}

export class SubmitRunResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The run number: unique across decks, ascending by creation; /api/runs/<number> works too' }) number!: number;
  @ApiProperty({ enum: ['queued'] }) status!: 'queued';
  @ApiProperty({ description: "1-based place in the deck's queue" }) position!: number;
}
