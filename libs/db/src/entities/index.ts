import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { Deck } from './deck.entity';
import { DeckCredential } from './deck-credential.entity';
import { DeckSchemaVersion } from './deck-schema-version.entity';
import { IvoryosDraft } from './ivoryos-draft.entity';
import { RevokedToken } from './revoked-token.entity';
import { RunCommandRecord } from './run-command.entity';
import { RunEventRecord } from './run-event.entity';
import { SingleStep } from './single-step.entity';
import { User } from './user.entity';
import { WebhookDeliveryRecord } from './webhook-delivery.entity';
import { Workflow } from './workflow.entity';
import { WorkflowPhase } from './workflow-phase.entity';
import { WorkflowRun } from './workflow-run.entity';
import { WorkflowStep } from './workflow-step.entity';

export { ApiKey, AuditEntry, Deck, DeckCredential, DeckSchemaVersion, IvoryosDraft, RevokedToken, RunCommandRecord, RunEventRecord, SingleStep, User, WebhookDeliveryRecord, Workflow, WorkflowPhase, WorkflowRun, WorkflowStep };
export { USER_ROLES, type UserRole } from './user.entity';
export type { SingleStepStatus } from './single-step.entity';
export { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from './webhook-delivery.entity';

export const entities = [Workflow, Deck, DeckSchemaVersion, WorkflowRun, WorkflowPhase, WorkflowStep, SingleStep, User, ApiKey, RunEventRecord, RunCommandRecord, WebhookDeliveryRecord, DeckCredential, AuditEntry, RevokedToken, IvoryosDraft];
