import { ApiProperty } from '@nestjs/swagger';

export class DeckRestartResponse {
  @ApiProperty() deck!: string;
  @ApiProperty({ description: "Id of the command sent on the deck's command stream; the agent logs the outcome under it" }) commandId!: string;
  @ApiProperty({ description: 'The agent restarts the bridge when it reads the command (a call in progress becomes interrupted)' })
  requested!: boolean;
}
