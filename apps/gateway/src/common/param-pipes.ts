import { Injectable, type PipeTransform } from '@nestjs/common';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { BadInput } from './domain-errors';
import { WORKFLOW_NAME_PATTERN, WORKFLOW_NAME_RULE } from '../workflows/dto/workflow-body.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** The `:id` path parameter, which must be a UUID; answers 400 naming it. */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw BadInput.field('id', 'must be a UUID');
    return value.toLowerCase();
  }
}

@Injectable()
export class WorkflowNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!value || value.length > 50) throw BadInput.field('name', 'must be 1 to 50 characters');
    if (!WORKFLOW_NAME_PATTERN.test(value)) throw BadInput.field('name', WORKFLOW_NAME_RULE);
    return value;
  }
}

/** The `:deck` path parameter: letters, digits, `_` and `-`, as agents are named. */
@Injectable()
export class DeckNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!DECK_NAME_PATTERN.test(value)) throw BadInput.field('deck', 'must be 1 to 64 letters, digits, _ or -');
    return value;
  }
}

/** Instrument (`deck.sdl`) and method (`analyze`, `tare_offset_(setter)`) names in paths. */
const SEGMENT = /^[A-Za-z0-9_.()-]{1,128}$/;

/** The `:instrument` path parameter. */
@Injectable()
export class InstrumentNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SEGMENT.test(value)) throw BadInput.field('instrument', 'is not an instrument name (letters, digits, _ . ( ) -, at most 128)');
    return value;
  }
}

/** The `:method` path parameter. */
@Injectable()
export class MethodNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SEGMENT.test(value)) throw BadInput.field('method', 'is not a method name (letters, digits, _ . ( ) -, at most 128)');
    return value;
  }
}
