import { Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { createFileRoute } from '@tanstack/react-router';
import { $api } from '../../../api/client';
import { AnchorLink } from '../../../components/links';
import { PageTitle } from '../../../components/page-title';
import { StatusBadge } from '../../../components/status-badge';

export const Route = createFileRoute('/_app/devices/')({ component: DevicesIndex });

function DevicesIndex() {
  const decks = $api.useQuery('get', '/api/decks', {}, { refetchInterval: 5_000 });
  return (
    <Stack>
      <PageTitle>Devices</PageTitle>
      <Text>Choose a deck to call its instruments directly.</Text>
      {decks.data?.items.length === 0 && <Text>No deck has connected yet.</Text>}
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        {decks.data?.items.map((deck) => (
          <Card withBorder key={deck.name}>
            <Group justify="space-between">
              <AnchorLink to="/devices/$deck" params={{ deck: deck.name }} fw={600}>
                {deck.name}
              </AnchorLink>
              <StatusBadge status={deck.online ? deck.status : 'offline'} />
            </Group>
            <Text size="sm">{deck.instruments.join(', ')}</Text>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
