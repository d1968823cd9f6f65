import { Badge, Button, Drawer, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { AnchorLink } from './links';
import { $api } from '../api/client';
import { StatusBadge } from './status-badge';

/** Runs waiting for a person (a decision, an input) or held by an offline deck, on every page. */
export function AttentionButton() {
  const [opened, { open, close }] = useDisclosure(false);
  const { data } = $api.useQuery('get', '/api/attention', {}, { refetchInterval: 5_000 });
  const items = data?.items ?? [];
  return (
    <>
      <Button
        variant={items.length ? 'filled' : 'default'}
        color={items.length ? 'red' : undefined}
        onClick={open}
        rightSection={<Badge variant="white" color="dark" size="sm" circle>{items.length}</Badge>}
      >
        Attention
      </Button>
      <Drawer opened={opened} onClose={close} position="right" title="Waiting for someone">
        <Stack>
          <AnchorLink to="/attention" onClick={close}>
            Open the attention page (answer from there)
          </AnchorLink>
          {items.length === 0 && <Text>Nothing is waiting.</Text>}
          {items.map((run) => (
            <Stack key={run.id} gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}>
              <Group justify="space-between">
                <AnchorLink to="/runs/$runId" params={{ runId: run.id }} search={{ tab: 'steps' }} onClick={close} fw={600}>
                  {run.name}
                </AnchorLink>
                <StatusBadge status={run.status} />
              </Group>
              <Text size="sm">
                {run.deck}
                {!run.deckOnline && ' · deck offline'}
              </Text>
              {run.waiting && (
                <Text size="sm">
                  {waitingTitle(run.waiting.kind)}: {run.waiting.message}
                </Text>
              )}
            </Stack>
          ))}
        </Stack>
      </Drawer>
    </>
  );
}

export function waitingTitle(kind: string): string {
  switch (kind) {
    case 'error':
      return 'Step failed';
    case 'interrupted':
      return 'Agent lost during a step — outcome unknown';
    case 'input':
      return 'Input needed';
    case 'pause':
      return 'Operator action required';
    case 'optimizer':
      return 'The optimizer could not suggest the next trial';
    default:
      return 'Waiting';
  }
}
