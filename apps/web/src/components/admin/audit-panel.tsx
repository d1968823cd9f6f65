import { Code, Group, Pagination, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { $api } from '../../api/client';
import { formatTime, formatValue } from '../../lib/format';

const KINDS = ['call', 'run', 'control', 'admin', 'step'] as const;
const PER_PAGE = 50;

function details(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
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
        <TextInput label="Who" value={actor} onChange={(e) => (setActor(e.currentTarget.value), setPage(1))} />
        <TextInput label="Deck" value={deck} onChange={(e) => (setDeck(e.currentTarget.value), setPage(1))} />
        <Select label="Kind" clearable data={[...KINDS]} value={kind} onChange={(k) => (setKind(k as (typeof KINDS)[number] | null), setPage(1))} />
      </Group>
      {data?.items.length === 0 && <Text>Nothing recorded for these filters.</Text>}
      {!!data?.items.length && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped aria-label="Audit log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Deck</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((e, i) => (
                <Table.Tr key={`${e.at}-${i}`}>
                  <Table.Td>{formatTime(e.at)}</Table.Td>
                  <Table.Td>
                    {e.actor} {e.actorKind === 'key' ? '(key)' : ''}
                  </Table.Td>
                  <Table.Td>{e.kind}</Table.Td>
                  <Table.Td>{e.deck ?? '—'}</Table.Td>
                  <Table.Td>{e.action}</Table.Td>
                  <Table.Td>
                    <Code>{e.target}</Code>
                  </Table.Td>
                  <Table.Td>{e.outcome ?? '—'}</Table.Td>
                  <Table.Td>{details(e.details)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data && data.total > PER_PAGE && <Pagination total={Math.ceil(data.total / PER_PAGE)} value={page} onChange={setPage} />}
    </Stack>
  );
}
