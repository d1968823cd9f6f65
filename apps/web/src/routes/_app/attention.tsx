import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { createFileRoute } from '@tanstack/react-router';
import type { Schemas } from '../../api/client';
import { $api } from '../../api/client';
import { waitingTitle } from '../../components/attention-button';
import { DecisionButtons, WaitingText } from '../../components/decision-dialog';
import { AnchorLink } from '../../components/links';
import { PageTitle } from '../../components/page-title';
import { StatusBadge } from '../../components/status-badge';
import { useMe } from '../../lib/me';
import { useRunCommands } from '../../lib/run-commands';

export const Route = createFileRoute('/_app/attention')({ component: AttentionPage });

type Item = Schemas['RunSummaryResponse'];

/** One run that needs someone: what it waits for, and the answers that need no more than a click. */
function AttentionCard({ run, canOperate }: { run: Item; canOperate: boolean }) {
  const commands = useRunCommands(run.id);
  const waiting = run.waiting;
  const title = waiting ? waitingTitle(waiting.kind) : `${run.deck} is offline`;
  return (
    <Card withBorder component="section" aria-label={`${title}: ${run.name}`}>
      <Group justify="space-between" mb="xs" wrap="nowrap" align="flex-start">
        <div>
          <Title order={2} size="h4">
            {title}
          </Title>
          <Text size="sm">
            Run{' '}
            <AnchorLink to="/runs/$runId" params={{ runId: run.id }} search={{ tab: 'steps' }}>
              {run.name}
            </AnchorLink>{' '}
            ({run.workflow}) on {run.deck}
            {!run.deckOnline && ' · deck offline: the run goes on when its agent is back'}
          </Text>
        </div>
        <StatusBadge status={run.status} />
      </Group>
      {waiting && <WaitingText waiting={waiting} />}
      {waiting && canOperate && (
        <Stack mt="sm" gap="xs">
          <DecisionButtons
            waiting={waiting}
            handlers={{
              busy: !!commands.busy,
              retry: () => void commands.retry(waiting.promptId),
              skip: () => void commands.skip(waiting.promptId),
              resume: () => void commands.resume(waiting.promptId),
              input: (value) => void commands.input(value, waiting.promptId),
            }}
          />
          <Text size="sm">
            To stop the run,{' '}
            <AnchorLink to="/runs/$runId" params={{ runId: run.id }} search={{ tab: 'steps' }}>
              open it
            </AnchorLink>
            .
          </Text>
        </Stack>
      )}
    </Card>
  );
}

/** Everything waiting for a person, on every deck: decisions, inputs, and runs held by an offline deck. */
function AttentionPage() {
  const me = useMe();
  // Watched while someone waits to act, so it polls faster than the header's count (one small query).
  const { data } = $api.useQuery('get', '/api/attention', {}, { refetchInterval: 2_000 });
  return (
    <Stack>
      <PageTitle>Needs attention</PageTitle>
      <Text>Runs waiting for a decision or an input, and runs held because their deck went offline, oldest first.</Text>
      {data?.items.length === 0 && <Text>Nothing is waiting for anyone.</Text>}
      {data?.items.map((run) => <AttentionCard key={run.id} run={run} canOperate={me.canOperate} />)}
    </Stack>
  );
}
