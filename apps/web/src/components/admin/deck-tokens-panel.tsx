import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { $api, errorText, fetchClient } from '../../api/client';
import { confirmDialog } from '../../lib/confirm';
import { formatTime } from '../../lib/format';
import { StatusBadge } from '../status-badge';
import { ShownOnce } from './shown-once';

/** Deck tokens: an agent signs in to Redis as its deck's own user. Issue (or replace) and revoke. */
export function DeckTokensPanel() {
  const { data } = $api.useQuery('get', '/api/decks');
  const [issued, setIssued] = useState<{ deck: string; token: string } | undefined>();
  const issue = async (deck: string) => {
    const ok = await confirmDialog(`Issue a token for ${deck}?`, 'A token issued before is replaced, and an agent using it is disconnected.', 'Issue token');
    if (!ok) return;
    const { data: token, error } = await fetchClient.POST('/api/decks/{deck}/token', { params: { path: { deck } } });
    if (error || !token) return notifications.show({ color: 'red', title: 'No token issued', message: errorText(error) });
    setIssued({ deck, token: token.token });
  };
  const revoke = async (deck: string) => {
    if (!(await confirmDialog(`Revoke the token of ${deck}?`, 'Its agent is disconnected at once and cannot sign in again with it.', 'Revoke token', true))) return;
    const { error } = await fetchClient.DELETE('/api/decks/{deck}/token', { params: { path: { deck } } });
    notifications.show(error ? { color: 'red', title: 'Not revoked', message: errorText(error) } : { color: 'green', title: 'Revoked', message: `token of ${deck}` });
  };
  return (
    <Stack>
      <Text>Start an agent with its token: IVORYOS_DECK_TOKEN=ivd_… npx ivoryos-agent my_deck.ts --name lab_a</Text>
      <Table striped aria-label="Decks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Deck</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Schema</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>Token</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data?.items.map((d) => (
            <Table.Tr key={d.name}>
              <Table.Td>{d.name}</Table.Td>
              <Table.Td>
                <StatusBadge status={d.online ? d.status : 'offline'} />
              </Table.Td>
              <Table.Td ff="monospace">{d.schemaHash?.slice(0, 8) ?? '—'}</Table.Td>
              <Table.Td>{formatTime(d.lastSeenAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" variant="default" onClick={() => void issue(d.name)}>
                    Issue token…
                  </Button>
                  <Button size="xs" variant="default" onClick={() => void revoke(d.name)}>
                    Revoke…
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={!!issued} onClose={() => setIssued(undefined)} title={`Token for ${issued?.deck ?? ''}`}>
        {issued && <ShownOnce label="deck token" secret={issued.token} onClose={() => setIssued(undefined)} />}
      </Modal>
    </Stack>
  );
}
