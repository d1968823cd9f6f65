import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { IdOrder, JsonObject, PhaseKey, ScriptDict, WorkflowStatus } from '@ivoryos/contracts';

/** A saved workflow: IvoryOS's `Script`. The name is the public key, as in IvoryOS. */
@Entity({ tableName: 'workflow' })
export class Workflow {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 50 })
  @Unique()
  name!: string;

  @Property({ type: 'string', length: 50, nullable: true })
  @Index()
  deck: string | null = null;

  @Property({ type: 'string', length: 16 })
  status: WorkflowStatus = 'editing';

  @Property({ type: 'json' })
  scriptDict!: ScriptDict;

  @Property({ type: 'json' })
  idOrder!: IdOrder;

  @Property({ type: 'string', length: 16 })
  editingType: PhaseKey = 'script';

  /** User or API key name (keys have up to 100 characters). */
  @Property({ type: 'string', length: 100 })
  @Index()
  author!: string;

  @Property({ type: 'string', length: 255 })
  description = '';

  @Property({ type: 'boolean' })
  registered = false;

  @Property({ type: 'json' })
  returnValues: string[] = [];

  /** IvoryOS's stable id (uuid4 text); unique when present. */
  @Property({ type: 'string', length: 36, nullable: true })
  @Unique()
  uuid: string | null = null;

  /** Keys IvoryOS writes that we keep but do not interpret (`python_script`, newer keys). */
  @Property({ type: 'json', nullable: true })
  extra: JsonObject | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  modifiedAt: Date = new Date();
}
