import {
  Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Res, UploadedFile, UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { WorkflowDocument } from '@ivoryos/contracts';
import { Access } from '../auth/access.decorator';
import { CurrentActor, type AuthActor } from '../common/actor';
import { BadInput } from '../common/domain-errors';
import { findHostileValue } from '../common/hostile-input';
import { WorkflowNameParam } from '../common/param-pipes';
import { ImportQueryDto } from './dto/import-query.dto';
import { RegisterDto, WorkflowBodyDto, WorkflowNameDto } from './dto/workflow-body.dto';
import { WorkflowQueryDto } from './dto/workflow-query.dto';
import { WorkflowListResponse, WorkflowResponse } from './dto/workflow-response.dto';
import { WorkflowsService } from './workflows.service';
import { WorkflowChecksService } from './workflow-checks.service';
import { parseDraft, type Checkable } from './workflow-draft';
import { CodeResponse, DeckChoiceDto, DraftCheckDto, ValidationResponse } from './dto/workflow-check.dto';
import { checkBodyDeck } from './workflow-scope';

const IMPORT_FILE_LIMIT = 5 * 1024 * 1024;

@ApiTags('workflows')
@Controller('workflows')
@Access('operator')
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly checks: WorkflowChecksService,
  ) {}

  @Get()
  @Access('viewer')
  @ApiOperation({ summary: 'List workflows (filter, sort, page)' })
  @ApiOkResponse({ type: WorkflowListResponse })
  list(@Query() q: WorkflowQueryDto, @CurrentActor() actor: AuthActor) {
    return this.workflows.list(q, actor.deck);
  }

  @Post()
  @ApiOperation({ summary: 'Create a workflow (drafts may be invalid for any deck)' })
  @ApiCreatedResponse({ type: WorkflowResponse })
  create(@Body() body: WorkflowBodyDto, @CurrentActor() actor: AuthActor): Promise<WorkflowDocument> {
    return this.workflows.create(body, actor.name, actor.deck);
  }

  @Post('import')
  @ApiOperation({ summary: 'Import an IvoryOS workflow JSON file (as the JSON body, or multipart field "file")' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: { oneOf: [{ type: 'object', additionalProperties: true }, { type: 'object', properties: { file: { type: 'string', format: 'binary' } } }] } })
  @ApiCreatedResponse({ type: WorkflowResponse })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_FILE_LIMIT, files: 1 } }))
  importFile(
    @Body() body: unknown,
    @UploadedFile() file: Express.Multer.File | undefined,
    @Query() q: ImportQueryDto,
    @CurrentActor() actor: AuthActor,
  ): Promise<WorkflowDocument> {
    return this.workflows.importDocument(file ? parseUpload(file) : body, actor.name, q, actor.deck);
  }

  @Post('validate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Check an unsaved workflow (as an editor types) against a deck; every problem at once' })
  @ApiOkResponse({ type: ValidationResponse })
  async validateDraft(@Body() body: DraftCheckDto, @CurrentActor() actor: AuthActor): Promise<ValidationResponse> {
    const draft = await parseDraft(body.workflow);
    checkDraftDecks(body.deck, draft, actor.deck);
    return this.checks.validate(draft, body.deck);
  }

  @Post('render')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Render an unsaved workflow as readable TypeScript' })
  @ApiOkResponse({ type: CodeResponse })
  async renderDraft(@Body() body: DraftCheckDto, @CurrentActor() actor: AuthActor): Promise<CodeResponse> {
    const draft = await parseDraft(body.workflow);
    checkDraftDecks(body.deck, draft, actor.deck);
    return this.checks.render(draft, body.deck);
  }

  @Get(':name')
  @Access('viewer')
  @ApiOperation({ summary: 'Get a workflow' })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: WorkflowResponse })
  get(@Param('name', WorkflowNameParam) name: string, @CurrentActor() actor: AuthActor): Promise<WorkflowDocument> {
    return this.workflows.get(name, actor.deck);
  }

  @Put(':name')
  @ApiOperation({ summary: 'Replace a workflow (not a finalized one); renames when the body has another name' })
  @ApiOkResponse({ type: WorkflowResponse })
  replace(@Param('name', WorkflowNameParam) name: string, @Body() body: WorkflowBodyDto, @CurrentActor() actor: AuthActor): Promise<WorkflowDocument> {
    return this.workflows.replace(name, body, actor.deck);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a workflow; its runs keep their own snapshot' })
  @ApiNoContentResponse()
  async remove(@Param('name', WorkflowNameParam) name: string, @CurrentActor() actor: AuthActor): Promise<void> {
    await this.workflows.remove(name, actor.deck);
  }

  @Post(':name/save-as')
  @ApiOperation({ summary: 'Copy a workflow under a new name (new uuid, status editing)' })
  @ApiCreatedResponse({ type: WorkflowResponse })
  saveAs(@Param('name', WorkflowNameParam) name: string, @Body() body: WorkflowNameDto, @CurrentActor() actor: AuthActor) {
    return this.workflows.saveAs(name, body.name, actor.name, actor.deck);
  }

  @Post(':name/finalize')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Finalize: the workflow can no longer be overwritten' })
  @ApiOkResponse({ type: WorkflowResponse })
  finalize(@Param('name', WorkflowNameParam) name: string, @CurrentActor() actor: AuthActor) {
    return this.workflows.finalize(name, actor.deck);
  }

  @Post(':name/register')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Offer (or stop offering) the workflow as a step inside other workflows of its deck' })
  @ApiOkResponse({ type: WorkflowResponse })
  register(@Param('name', WorkflowNameParam) name: string, @Body() body: RegisterDto, @CurrentActor() actor: AuthActor) {
    return this.workflows.register(name, body.registered, actor.deck);
  }

  @Post(':name/validate')
  @Access('viewer')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Check a saved workflow against a deck's registered schema (default: its own deck)" })
  @ApiOkResponse({ type: ValidationResponse })
  async validate(@Param('name', WorkflowNameParam) name: string, @Body() body: DeckChoiceDto, @CurrentActor() actor: AuthActor): Promise<ValidationResponse> {
    const doc = await this.workflows.get(name, actor.deck);
    checkBodyDeck(actor.deck, 'deck', body.deck, false);
    return this.checks.validate(doc, body.deck);
  }

  @Get(':name/code')
  @Access('viewer')
  @ApiOperation({ summary: 'The workflow as readable TypeScript (a function of its run parameters returning its outputs)' })
  @ApiOkResponse({ type: CodeResponse })
  async code(@Param('name', WorkflowNameParam) name: string, @Query() q: DeckChoiceDto, @CurrentActor() actor: AuthActor): Promise<CodeResponse> {
    return this.checks.render(await this.workflows.get(name, actor.deck), q.deck);
  }

  @Get(':name/export')
  @Access('viewer')
  @ApiOperation({ summary: 'Download the workflow as an IvoryOS JSON file' })
  @ApiOkResponse({ type: WorkflowResponse })
  async export(@Param('name', WorkflowNameParam) name: string, @CurrentActor() actor: AuthActor, @Res({ passthrough: true }) res: Response) {
    const doc = await this.workflows.get(name, actor.deck);
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(name)}.json"`);
    return doc;
  }
}

/** A draft is checked against `deck`, or else its own deck: neither may be another deck than the key's. */
function checkDraftDecks(deck: string | undefined, draft: Checkable, scope: string | undefined): void {
  checkBodyDeck(scope, 'deck', deck, false);
  checkBodyDeck(scope, 'workflow.deck', draft.deck, false);
}

function parseUpload(file: Express.Multer.File): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(file.buffer.toString('utf8'));
  } catch (err) {
    throw BadInput.field('file', `is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Uploads skip the check JSON bodies get before any route (common/hostile-input.ts).
  const hostile = findHostileValue(doc, 'file');
  if (hostile) throw BadInput.field(hostile.path, hostile.message);
  return doc;
}
