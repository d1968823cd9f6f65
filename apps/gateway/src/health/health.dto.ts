import { ApiProperty } from '@nestjs/swagger';

export class DependencyHealth {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ required: false }) detail?: string;
  @ApiProperty({ required: false, description: 'Round trip in milliseconds' }) latencyMs?: number;
}

export class DatabaseHealth extends DependencyHealth {
  @ApiProperty({ enum: ['external', 'embedded'] }) kind!: 'external' | 'embedded';
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty() version!: string;
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty({ type: DatabaseHealth }) db!: DatabaseHealth;
  @ApiProperty({ type: DependencyHealth }) redis!: DependencyHealth;
}

export class LiveResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}
