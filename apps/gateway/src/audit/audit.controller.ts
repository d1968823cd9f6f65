import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { AuditService } from './audit.service';
import { AuditListResponse, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
@Access('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Who did what, newest first: direct hardware calls, run submissions, run controls with their outcome, and changes to users, API keys and deck tokens',
  })
  @ApiOkResponse({ type: AuditListResponse })
  list(@Query() q: AuditQueryDto, @CurrentActor() actor: AuthActor): Promise<AuditListResponse> {
    return this.audit.list(q, actor.deck);
  }
}
