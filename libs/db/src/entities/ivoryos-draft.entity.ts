import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { WorkflowDocument } from '@ivoryos/contracts';

/**
 * The workflow a user has loaded through IvoryOS's routes (`GET /ivoryos/library/<name>`,
 * `submit_python`), which `POST /ivoryos/executions/config` runs. IvoryOS keeps one draft per
 * user per server; a server serves one deck, so here it is one per user (or API key) per deck.
 * The document is a copy taken when loaded, as IvoryOS's draft is.
 */
@Entity({ tableName: 'ivoryos_draft' })
export class IvoryosDraft {
  [OptionalProps]?: 'workflowName' | 'updatedAt';

  @PrimaryKey({ type: 'string', length: 8 })
  ownerKind!: 'user' | 'key';

  @PrimaryKey({ type: 'string', length: 100 })
  ownerName!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  deck!: string;

  /** The saved workflow it was loaded from; null once that one is gone is not tracked. */
  @Property({ type: 'string', length: 50, nullable: true })
  workflowName: string | null = null;

  @Property({ type: 'json' })
  document!: WorkflowDocument;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}
