import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { createFileRoute } from '@tanstack/react-router';
import { $api, type Schemas } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { AnchorLink, ButtonLink } from '../../components/links';
import { PageTitle } from '../../components/page-title';
import { runColumns } from '../../components/run-columns';
import { StatusBadge } from '../../components/status-badge';
import { formatTime } from '../../lib/format';
import { useMe } from '../../lib/me';

export const Route = createFileRoute('/_app/')({ component: HomePage });

const columns = runColumns('steps');

function DeckCard({ deck }: { deck: Schemas['DeckSummaryResponse'] }) {
  const { data: queue } = $api.useQuery('get', '/api/decks/{deck}/queue', { params: { path: { deck: deck.name } } }, { refetchInterval: 5_000 });
  const running = queue?.running as { id: string; name: string; status: string } | null | undefined;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          {deck.name}
        </Title>
        <StatusBadge status={deck.online ? deck.status : 'offline'} />
      </Group>
      <Text size="sm">{deck.instruments.length} instruments · last seen {formatTime(deck.lastSeenAt)}</Text>
      <Text size="sm">
        {running ? (
          <>
            Running:{' '}
            <AnchorLink to="/runs/$runId" params={{ runId: running.id }} search={{ tab: 'steps' }}>
              {running.name}
            </AnchorLink>
          </>
        ) : (
          'No run in progress'
        )}
        {' · '}
        {queue ? `${queue.items.length} queued${queue.paused ? ' (queue paused)' : ''}` : '…'}
      </Text>
      <Group mt="sm">
        <ButtonLink size="xs" variant="light" to="/devices/$deck" params={{ deck: deck.name }}>
          Open devices
        </ButtonLink>
      </Group>
    </Card>
  );
}

function HomePage() {
  const me = useMe();
  const decks = $api.useQuery('get', '/api/decks', {}, { refetchInterval: 5_000 });
  const runs = $api.useQuery('get', '/api/runs', { params: { query: { perPage: 10 } } }, { refetchInterval: 5_000 });
  const waiting = $api.useQuery('get', '/api/attention', {}, { refetchInterval: 5_000 });
  const workflows = $api.useQuery('get', '/api/workflows', { params: { query: { sort: '-last_modified', perPage: 5 } } });
  const needing = waiting.data?.items.length ?? 0;
  return (
    <Stack>
      <PageTitle>Lab overview</PageTitle>
      <Text>
        Signed in as {me.name} ({me.role}). {me.canOperate ? 'You can call instruments and run workflows.' : 'You can look at everything; changes need an operator.'}
      </Text>
      {needing > 0 && (
        <Card withBorder style={{ borderColor: 'var(--mantine-color-red-7)' }}>
          <Group justify="space-between">
            <Text fw={600}>
              {needing} {needing === 1 ? 'run needs' : 'runs need'} someone: a decision, an input, or a deck back online.
            </Text>
            <ButtonLink to="/attention" color="red">
              See what is waiting
            </ButtonLink>
          </Group>
        </Card>
      )}
      <Title order={2} size="h3">
        Decks
      </Title>
      {decks.data?.items.length === 0 && (
        <Card withBorder>
          <Text>No deck has connected yet. Start an agent next to your instruments:</Text>
          <Text ff="monospace">npx ivoryos-agent ./my-deck.ts --name lab_a</Text>
        </Card>
      )}
      <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
        {decks.data?.items.map((deck) => <DeckCard key={deck.name} deck={deck} />)}
      </SimpleGrid>
      <Title order={2} size="h3">
        Recently changed workflows
      </Title>
      <DataTable
        label="Recently changed workflows"
        columns={[
          {
            header: 'Workflow',
            cell: (w) => (
              <AnchorLink to="/design/$workflow" params={{ workflow: w.name }} search={{ phase: 'script' }}>
                {w.name}
              </AnchorLink>
            ),
          },
          { header: 'Deck', cell: (w) => w.deck ?? '—' },
          { header: 'Changed', cell: (w) => formatTime(w.last_modified) },
          me.canOperate && {
            header: 'Run',
            cell: (w) => (
              <ButtonLink size="xs" variant="default" to="/execute/$workflow" params={{ workflow: w.name }} aria-label={`Run ${w.name}`}>
                Run…
              </ButtonLink>
            ),
          },
        ]}
        rows={workflows.data?.items}
        rowKey={(w) => w.name}
        empty={me.canOperate ? <Text>No workflows yet: start one in Design, or import an IvoryOS JSON file in the Library.</Text> : 'No workflows yet.'}
      />
      <Title order={2} size="h3">
        Recent runs
      </Title>
      <DataTable
        label="Recent runs"
        columns={[columns.name, columns.workflow, columns.deck, columns.status, columns.startedBy, columns.created]}
        rows={runs.data?.items}
        rowKey={(run) => run.id}
        empty="No runs yet."
      />
    </Stack>
  );
}
