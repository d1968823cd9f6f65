import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AgentInfoResponse {
  @ApiProperty() pid!: number;
  @ApiProperty() host!: string;
  @ApiProperty() version!: string;
  @ApiPropertyOptional() startedAt?: string;
}

export class DeckSummaryResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'A heartbeat arrived within the offline window' }) online!: boolean;
  @ApiProperty({ enum: ['idle', 'busy', 'offline'] }) status!: 'idle' | 'busy' | 'offline';
  @ApiProperty({ nullable: true, type: String }) schemaHash!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSeenAt!: string | null;
  @ApiProperty({ type: AgentInfoResponse, nullable: true }) agent!: AgentInfoResponse | null;
  @ApiProperty({ type: [String], example: ['deck.sdl', 'deck.pump'] }) instruments!: string[];
}

export class DeckListResponse {
  @ApiProperty({ type: [DeckSummaryResponse] }) items!: DeckSummaryResponse[];
}

export class SchemaVersionResponse {
  @ApiProperty() hash!: string;
  @ApiProperty() registeredAt!: string;
}

export class DeckResponse extends DeckSummaryResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The interface schema the agent registered last' })
  schema!: Record<string, unknown> | null;
  @ApiProperty({ type: [SchemaVersionResponse], description: 'Schema hashes seen, newest first' }) schemaHistory!: SchemaVersionResponse[];
}
