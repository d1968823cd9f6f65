import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';

export class MoveRunDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() runId!: string;
  @ApiProperty({ minimum: 1, description: '1-based position as the queue reports it' }) @IsInt() @Min(1) @Max(1_000_000) to!: number;
}

export class QueueItemResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: '1-based' }) position!: number;
  @ApiProperty({ nullable: true, type: String }) startedBy!: string | null;
  @ApiProperty() createdAt!: string;
}

export class QueueRunningResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'queued while being handed to the agent' }) status!: string;
}

export class QueueResponse {
  @ApiProperty() deck!: string;
  @ApiProperty({ description: 'New runs are not started while paused' }) paused!: boolean;
  @ApiProperty({ type: QueueRunningResponse, nullable: true }) running!: QueueRunningResponse | null;
  @ApiProperty({ type: [QueueItemResponse] }) items!: QueueItemResponse[];
}
