import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { BadInput } from '../common/domain-errors';
import { AUDIT_KINDS, type AuditEntryResponse, type AuditKind, type AuditListResponse, type AuditQueryDto } from './dto/audit.dto';

/** One table's rows as audit entries: the SELECT list and the columns the filters use. */
interface Source {
  select: string;
  from: string;
  at: string;
  actor: string;
  deck: string;
  /** A condition every row of this kind meets. */
  where?: string;
}

/** Every table that records who did something, read as one list (newest first). */
const SOURCES: Record<AuditKind, Source> = {
  call: {
    select: `'call' as kind, s.created_at as at, s.called_by as actor, s.called_by_kind as actor_kind, s.deck as deck,
      s.instrument || '.' || s.method_name as action, s.id::text as target, s.status as outcome,
      jsonb_build_object('error', s.error, 'startedAt', s.started_at, 'endedAt', s.ended_at) as details`,
    from: 'single_step s', at: 's.created_at', actor: 's.called_by', deck: 's.deck',
  },
  run: {
    select: `'run' as kind, r.created_at as at, r.started_by as actor, r.started_by_kind as actor_kind, r.deck as deck,
      'run.submit' as action, r.id::text as target, r.status as outcome,
      jsonb_build_object('name', r.name, 'workflow', r.workflow_name, 'externalId', r.external_id) as details`,
    from: 'workflow_run r', at: 'r.created_at', actor: 'r.started_by', deck: 'r.deck',
  },
  control: {
    select: `'control' as kind, c.issued_at as at, c.issued_by as actor, c.issued_by_kind as actor_kind, c.deck as deck,
      'run.' || c.type as action, c.run_id::text as target, coalesce(c.outcome, 'pending') as outcome,
      jsonb_build_object('commandId', c.id, 'reason', c.reason, 'answeredAt', c.answered_at) as details`,
    from: 'run_command c', at: 'c.issued_at', actor: 'c.issued_by', deck: 'c.deck',
  },
  // Driver calls inside runs, attributed to whoever submitted the run. Asked for by kind only: a
  // night's run adds thousands of them.
  step: {
    select: `'step' as kind, coalesce(st.started_at, r.created_at) as at, r.started_by as actor, r.started_by_kind as actor_kind, r.deck as deck,
      st.instrument || '.' || st.method_name as action, st.id::text as target, st.status as outcome,
      jsonb_build_object('runId', st.run_id, 'attempt', st.attempt, 'error', st.error, 'endedAt', st.ended_at) as details`,
    // A step row without a start time (recorded before one was kept) sorts and filters by its run's.
    from: 'workflow_step st join workflow_run r on r.id = st.run_id', at: 'coalesce(st.started_at, r.created_at)', actor: 'r.started_by', deck: 'r.deck',
    where: "st.instrument like 'deck.%'",
  },
  admin: {
    select: `'admin' as kind, a.at as at, a.actor as actor, a.actor_kind as actor_kind, a.deck as deck,
      a.action as action, a.target as target, null::text as outcome, a.details as details`,
    from: 'audit_entry a', at: 'a.at', actor: 'a.actor', deck: 'a.deck',
  },
};

/** What the listing shows when no kind is asked for: what people did, not every step of their runs. */
const DEFAULT_KINDS: AuditKind[] = AUDIT_KINDS.filter((k) => k !== 'step');

interface Row {
  kind: AuditKind;
  at: Date | string;
  actor: string | null;
  actor_kind: 'user' | 'key' | null;
  deck: string | null;
  action: string;
  target: string;
  outcome: string | null;
  details: Record<string, unknown> | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  /**
   * `deckScope`: the deck an API key is limited to (admin keys cannot be, but a row written before
   * that rule or by hand could be): only entries of that deck, none of the deck-less admin changes.
   */
  async list(q: AuditQueryDto, deckScope?: string): Promise<AuditListResponse> {
    const from = q.from ? parseTime(q.from, 'from') : undefined;
    const to = q.to ? parseTime(q.to, 'to') : undefined;
    const params: unknown[] = [];
    const branches = (q.kind ? [q.kind] : DEFAULT_KINDS).map((kind) => {
      const s = SOURCES[kind];
      const where: string[] = s.where ? [s.where] : [];
      const filter = (condition: string, value: unknown): void => {
        if (value === undefined) return;
        where.push(condition);
        params.push(value);
      };
      filter(`${s.actor} = ?`, q.actor);
      filter(`${s.deck} = ?`, q.deck);
      filter(`${s.deck} = ?`, deckScope);
      filter(`${s.at} >= ?`, from);
      filter(`${s.at} < ?`, to);
      return `select ${s.select} from ${s.from}${where.length ? ` where ${where.join(' and ')}` : ''}`;
    });
    const union = branches.join(' union all ');
    const conn = this.em.getConnection();
    const [count] = await conn.execute<{ total: string }[]>(`select count(*) as total from (${union}) e`, params);
    const rows = await conn.execute<Row[]>(
      `select * from (${union}) e order by e.at desc, e.target desc limit ? offset ?`,
      [...params, q.perPage, (q.page - 1) * q.perPage],
    );
    return { items: rows.map(toEntry), total: Number(count?.total ?? 0) };
  }
}

function parseTime(text: string, field: string): Date {
  const date = new Date(text);
  // Valid ISO 8601 can still be out of range for PostgreSQL (year 0, +275760-09-13).
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw BadInput.field(field, 'must be a time between the years 1 and 9999');
  }
  return date;
}

function toEntry(r: Row): AuditEntryResponse {
  return {
    kind: r.kind, at: new Date(r.at).toISOString(), actor: r.actor, actorKind: r.actor_kind, deck: r.deck,
    action: r.action, target: r.target, outcome: r.outcome, details: r.details,
  };
}
