import { ApiProperty } from '@nestjs/swagger';

/** The only answer that ever contains a deck token. */
export class DeckTokenResponse {
  @ApiProperty({ example: 'abstract_sdl' }) deck!: string;
  @ApiProperty({
    description: "Shown once: give it to the deck's agent (--token, IVORYOS_DECK_TOKEN or <dataDir>/deck-tokens/<deck>; ivoryos-agent provision writes that file)",
    example: 'ivd_...',
  })
  token!: string;
  @ApiProperty({ description: 'The Redis user the agent connects as', example: 'deck_abstract_sdl' }) redisUser!: string;
  @ApiProperty({ description: "The token's first characters, to recognise it", example: 'ivd_Xy3kP0aB' }) prefix!: string;
  @ApiProperty() issuedAt!: string;
}
