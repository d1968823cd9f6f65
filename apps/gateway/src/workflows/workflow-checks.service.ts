import { Injectable } from '@nestjs/common';
import type { DeckSchema } from '@ivoryos/contracts';
import { offeredRunModes, renderWorkflow, validateWorkflow } from '@ivoryos/workflow';
import { DecksService } from '../decks/decks.service';
import type { CodeResponse, ValidationResponse } from './dto/workflow-check.dto';
import type { Checkable } from './workflow-draft';

/** Validation against a deck's registered schema, and the readable TypeScript rendering. */
@Injectable()
export class WorkflowChecksService {
  constructor(private readonly decks: DecksService) {}

  /** `deckName` given explicitly must exist (404); the workflow's own deck may not have registered yet. */
  async validate(doc: Checkable, deckName?: string): Promise<ValidationResponse> {
    const { deck, schema } = await this.schemaFor(deckName, doc.deck);
    const result = validateWorkflow(doc, schema);
    return {
      valid: result.valid, deck, errors: result.errors, parameters: result.parameters, outputs: result.outputs,
      runModes: offeredRunModes(result),
    };
  }

  async render(doc: Checkable, deckName?: string): Promise<CodeResponse> {
    const { schema } = await this.schemaFor(deckName, doc.deck);
    return { language: 'typescript', code: renderWorkflow(doc, { schema }) };
  }

  private async schemaFor(explicit: string | undefined, own: string | null | undefined): Promise<{ deck: string | null; schema?: DeckSchema }> {
    const deck = explicit ? await this.decks.find(explicit) : own ? await this.decks.findOptional(own) : null;
    return deck?.schema ? { deck: deck.name, schema: deck.schema } : { deck: null };
  }
}
