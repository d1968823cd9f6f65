import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PHASE_NAMES, PROMPT_KINDS, RUN_MODES, RUN_STATUSES, STEP_STATUSES } from '@ivoryos/contracts';

export class WaitingResponse {
  @ApiProperty() promptId!: string;
  @ApiProperty({ enum: PROMPT_KINDS }) kind!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() inputType?: string;
  @ApiPropertyOptional({ type: 'array', items: {} }) choices?: unknown[];
  @ApiProperty() since!: string;
}

export class StepResponse {
  @ApiProperty({ description: 'Opaque, increasing' }) id!: string;
  @ApiProperty({ enum: PHASE_NAMES }) phase!: string;
  @ApiProperty() repeatIndex!: number;
  @ApiProperty({ description: "The action's id within its phase" }) stepIndex!: number;
  @ApiProperty({ description: '0-based sample within a batch' }) sample!: number;
  @ApiProperty() instrument!: string;
  @ApiProperty() methodName!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) args!: Record<string, unknown>;
  @ApiProperty({ description: "The call's return value", nullable: true }) output!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "The sample's variables after the step" }) context!: Record<string, unknown> | null;
  @ApiProperty({ enum: STEP_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
}

export class PhaseResponse {
  @ApiProperty({ enum: PHASE_NAMES }) name!: string;
  @ApiProperty() repeatIndex!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, nullable: true }) parameters!: unknown[] | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, nullable: true }) outputs!: unknown[] | null;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty({ type: [StepResponse] }) steps!: StepResponse[];
}

export class RunSummaryResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Unique across decks, ascending by creation (IvoryOS run id); usable in place of id in paths' }) number!: number;
  @ApiProperty() name!: string;
  @ApiProperty() deck!: string;
  @ApiProperty({
    description: "Whether the deck's agent is online now. A run in progress on an offline deck is held: it goes on from its " +
      'checkpoint when the agent returns, or waits (interrupted) if a driver call was under way',
  })
  deckOnline!: boolean;
  @ApiProperty({ enum: RUN_STATUSES }) status!: string;
  @ApiProperty({ enum: RUN_MODES }) mode!: string;
  @ApiProperty({ nullable: true, type: String }) workflow!: string | null;
  @ApiPropertyOptional({ type: WaitingResponse }) waiting?: WaitingResponse;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ nullable: true, type: String }) startedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
}

export class RunResponse extends RunSummaryResponse {
  @ApiProperty() repeat!: number;
  @ApiProperty() batchSize!: number;
  @ApiProperty({ enum: ['wait', 'skip', 'stop'] }) onError!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) metadata!: Record<string, unknown> | null;
  @ApiProperty({ type: [PhaseResponse], description: 'In execution order' }) phases!: PhaseResponse[];
}

export class RunListResponse {
  @ApiProperty({ type: [RunSummaryResponse] }) items!: RunSummaryResponse[];
  @ApiProperty() total!: number;
}

export class StepPageResponse {
  @ApiProperty({ type: [StepResponse] }) items!: StepResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null at the end' }) nextCursor!: string | null;
}

export class ResultsResponse {
  @ApiProperty({ type: [String] }) columns!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) rows!: Record<string, unknown>[];
}

export class TrialResponse {
  @ApiProperty({ description: '1-based, in trial order (the results table\'s sample)' }) index!: number;
  @ApiProperty({ description: 'The iteration (batch) it ran in' }) iteration!: number;
  @ApiProperty({ enum: ['running', 'completed', 'failed'], description: 'failed: an objective is missing or not a number (never fed to the model)' }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The sample's saved outputs and variables" }) outputs!: Record<string, unknown>;
  @ApiProperty({ enum: ['initial', 'model', 'seeded', 'operator'], nullable: true }) suggestedBy!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'LogEI of the point under the model; null for design points' }) acquisition!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: "The suggestion's model fit and search time (ms, shared by a batch)" }) fitMs!: number | null;
  @ApiPropertyOptional({ description: 'Why a model slot fell back to a design point' }) note?: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Best value of the first objective so far' }) bestSoFar!: number | null;
}

export class BestTrialResponse {
  @ApiProperty() index!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) outputs!: Record<string, unknown>;
}

export class TrialsResponse {
  @ApiProperty({ type: [TrialResponse], description: 'In trial order' }) items!: TrialResponse[];
  @ApiProperty({ type: BestTrialResponse, nullable: true, description: 'The best completed trial for the first objective' }) best!: BestTrialResponse | null;
  @ApiPropertyOptional({ type: [Number], description: 'Several objectives: the indexes of the non-dominated completed trials' }) pareto?: number[];
}
