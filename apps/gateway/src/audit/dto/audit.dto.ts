import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { PageQueryDto } from '../../common/page-query.dto';

export const AUDIT_KINDS = ['call', 'run', 'control', 'admin', 'step'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'User or API key name, exactly' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  actor?: string;

  @ApiPropertyOptional({ example: 'abstract_sdl' })
  @IsOptional()
  @IsString()
  @Matches(DECK_NAME_PATTERN, { message: 'deck must be 1 to 64 letters, digits, _ or -' })
  deck?: string;

  @ApiPropertyOptional({ description: 'Entries at or after this time (ISO 8601)', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Entries before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' })
  to?: string;

  @ApiPropertyOptional({
    enum: AUDIT_KINDS,
    description:
      'call: direct hardware calls; run: run submissions; control: run controls; admin: users, API keys, deck tokens; ' +
      "step: hardware calls inside runs, under the run's submitter (only when asked for; the default is the other four)",
  })
  @IsOptional()
  @IsIn(AUDIT_KINDS, { message: `kind must be one of ${AUDIT_KINDS.join(', ')}` })
  kind?: AuditKind;
}

export class AuditEntryResponse {
  @ApiProperty({ enum: AUDIT_KINDS }) kind!: AuditKind;
  @ApiProperty({ description: 'When it was requested' }) at!: string;
  @ApiProperty({ nullable: true, type: String, description: 'User or API key name; system for the gateway itself' }) actor!: string | null;
  @ApiProperty({ nullable: true, enum: ['user', 'key'], description: 'Unknown (null) for records from before this was kept' })
  actorKind!: 'user' | 'key' | null;
  @ApiProperty({ nullable: true, type: String }) deck!: string | null;
  @ApiProperty({ description: 'instrument.method for calls, run.submit, run.<control>, or the admin action', example: 'deck.sdl.analyze' })
  action!: string;
  @ApiProperty({ description: 'Call id, run id, username, API key id or deck name' }) target!: string;
  @ApiProperty({ nullable: true, type: String, description: "A call's or run's status, a control's outcome (applied, refused, pending)" })
  outcome!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details!: Record<string, unknown> | null;
}

export class AuditListResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items!: AuditEntryResponse[];
  @ApiProperty() total!: number;
}
