import { Card, Stack, Text } from '@mantine/core';
import { createFileRoute } from '@tanstack/react-router';
import { $api } from '../../../api/client';
import { DeckQueue } from '../../../components/deck-queue';
import { AnchorLink } from '../../../components/links';
import { PageTitle } from '../../../components/page-title';
import { useMe } from '../../../lib/me';

export const Route = createFileRoute('/_app/execute/')({ component: ExecuteOverview });

/** Every deck's running run and queue; a new run starts from a workflow in the Library. */
function ExecuteOverview() {
  const me = useMe();
  const decks = $api.useQuery('get', '/api/decks', {}, { refetchInterval: 5_000 });
  return (
    <Stack>
      <PageTitle>Execute</PageTitle>
      <Text>
        To start a run, choose a workflow in the <AnchorLink to="/library">Library</AnchorLink> and press Run.
      </Text>
      {decks.data?.items.length === 0 && <Text>No deck has connected yet.</Text>}
      {decks.data?.items.map((d) => (
        <Card withBorder key={d.name}>
          <DeckQueue deck={d.name} canOperate={me.canOperate} />
          {!d.online && <Text size="sm" mt="xs">{d.name} is offline: queued runs start when it is back.</Text>}
        </Card>
      ))}
    </Stack>
  );
}
