import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type AuthActor } from '../common/actor';
import { UuidParam } from '../common/param-pipes';
import { Access } from './access.decorator';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyCreatedResponse, ApiKeyListResponse, CreateApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('api-keys')
@Access('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a LIMS or a script; the key is in this answer only' })
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse })
  create(@Body() body: CreateApiKeyDto, @CurrentActor() actor: AuthActor): Promise<ApiKeyCreatedResponse> {
    return this.keys.create(body, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves), revoked ones included' })
  @ApiOkResponse({ type: ApiKeyListResponse })
  list(): Promise<ApiKeyListResponse> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key; it is refused from the next request on' })
  @ApiNoContentResponse()
  async revoke(@Param('id', UuidParam) id: string, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.keys.revoke(id, actor);
  }
}
