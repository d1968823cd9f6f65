import { Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { DeckNameParam } from '../common/param-pipes';
import { DeckCredentialsService } from './deck-credentials.service';
import { DeckTokenResponse } from './dto/deck-token.dto';

@ApiTags('decks')
@Controller('decks/:deck/token')
@Access('admin')
export class DeckCredentialsController {
  constructor(private readonly credentials: DeckCredentialsService) {}

  @Post()
  @ApiOperation({
    summary: "Issue the deck's agent credential (its Redis user's password); replaces and disconnects the previous one. The token is in this answer only",
  })
  @ApiCreatedResponse({ type: DeckTokenResponse })
  @ApiServiceUnavailableResponse({ description: 'Redis is unreachable; nothing was changed' })
  issue(@Param('deck', DeckNameParam) deck: string, @CurrentActor() actor: AuthActor): Promise<DeckTokenResponse> {
    return this.credentials.issue(deck, actor);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Revoke the deck's agent credential: its Redis user is deleted and its connections closed" })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'The deck has no token' })
  @ApiServiceUnavailableResponse({ description: 'Redis is unreachable; nothing was changed' })
  async revoke(@Param('deck', DeckNameParam) deck: string, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.credentials.revoke(deck, actor);
  }
}
