import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { $api, errorText, fetchClient } from '../../api/client';
import { confirmDialog } from '../../lib/confirm';
import { formatTime } from '../../lib/format';
import { DataTable } from '../data-table';
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
      <DataTable
        label="Decks"
        columns={[
          { header: 'Deck', cell: (d) => d.name },
          { header: 'State', cell: (d) => <StatusBadge status={d.online ? d.status : 'offline'} /> },
          { header: 'Schema', cell: (d) => <Text ff="monospace" size="sm">{d.schemaHash?.slice(0, 8) ?? '—'}</Text> },
          { header: 'Last seen', cell: (d) => formatTime(d.lastSeenAt) },
          {
            header: 'Token',
            cell: (d) => (
              <Group gap="xs">
                <Button size="xs" variant="default" onClick={() => void issue(d.name)}>
                  Issue token…
                </Button>
                <Button size="xs" variant="default" onClick={() => void revoke(d.name)}>
                  Revoke…
                </Button>
              </Group>
            ),
          },
        ]}
        rows={data?.items}
        rowKey={(d) => d.name}
        empty="No deck has registered yet."
      />
      <Modal opened={!!issued} onClose={() => setIssued(undefined)} title={`Token for ${issued?.deck ?? ''}`}>
        {issued && <ShownOnce label="deck token" secret={issued.token} onClose={() => setIssued(undefined)} />}
      </Modal>
    </Stack>
  );
}
