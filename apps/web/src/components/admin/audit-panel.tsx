import { Code, Group, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { $api } from '../../api/client';
import { formatTime, formatValue } from '../../lib/format';
import { DataTable } from '../data-table';

const KINDS = ['call', 'run', 'control', 'admin', 'step'] as const;
const PER_PAGE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Instants in local time like the When column, ids by their first 8 characters (hover shows the whole target). */
function readable(text: string): string {
  if (UUID.test(text)) return `${text.slice(0, 8)}…`;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) ? formatTime(text) : text;
}

function details(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  // Empty fields say nothing.
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? readable(v) : formatValue(v)}`)
    .join(', ');
}

/** Who did what, newest first, filtered by actor, deck and kind. */
export function AuditPanel() {
  const [actor, setActor] = useState('');
  const [deck, setDeck] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number] | null>(null);
  const [page, setPage] = useState(1);
  const { data } = $api.useQuery('get', '/api/audit', {
    params: { query: { actor: actor || undefined, deck: deck || undefined, kind: kind ?? undefined, page, perPage: PER_PAGE } },
  });
  return (
    <Stack>
      <Group align="flex-end">
        <TextInput label="Who" placeholder="Anyone" value={actor} onChange={(e) => (setActor(e.currentTarget.value), setPage(1))} />
        <TextInput label="Deck" placeholder="All decks" value={deck} onChange={(e) => (setDeck(e.currentTarget.value), setPage(1))} />
        <Select label="Kind" placeholder="Any kind" clearable data={[...KINDS]} value={kind} onChange={(k) => (setKind(k as (typeof KINDS)[number] | null), setPage(1))} />
      </Group>
      <DataTable
        label="Audit log"
        minWidth={800}
        columns={[
          { header: 'When', cell: (e) => formatTime(e.at) },
          { header: 'Who', cell: (e) => `${e.actor}${e.actorKind === 'key' ? ' (key)' : ''}` },
          { header: 'Kind', cell: (e) => e.kind },
          { header: 'Deck', cell: (e) => e.deck ?? '—' },
          { header: 'Action', cell: (e) => e.action },
          { header: 'Target', cell: (e) => <Code title={e.target}>{readable(e.target)}</Code> },
          { header: 'Outcome', cell: (e) => e.outcome ?? '—' },
          { header: 'Details', cell: (e) => details(e.details) },
        ]}
        rows={data?.items}
        rowKey={(e, i) => `${e.at}-${i}`}
        empty="Nothing recorded for these filters."
        paging={data && { total: data.total, perPage: PER_PAGE, page, onChange: setPage }}
      />
    </Stack>
  );
}
