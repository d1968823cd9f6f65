import { Button, Group, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { $api, fetchClient } from '../api/client';
import { confirmDialog } from '../lib/confirm';
import { formatTime } from '../lib/format';
import { AnchorLink } from './links';

/** The deck's running run and its queue in order; operators can cancel a queued run. */
export function DeckQueue({ deck, canOperate }: { deck: string; canOperate: boolean }) {
  const queryClient = useQueryClient();
  const { data } = $api.useQuery('get', '/api/decks/{deck}/queue', { params: { path: { deck } } }, { refetchInterval: 5_000 });
  const running = data?.running as { id: string; name: string; status: string } | null | undefined;
  const cancel = async (id: string, name: string) => {
    if (!(await confirmDialog(`Cancel ${name}?`, 'The queued run is removed from the queue and never starts.', 'Cancel run', true))) return;
    await fetchClient.POST('/api/runs/{id}/cancel', { params: { path: { id } } });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/decks/{deck}/queue'] });
  };
  return (
    <section aria-labelledby="queue-title">
      <Title order={2} size="h3" id="queue-title" mb="xs">
        Queue of {deck}
        {data?.paused ? ' (paused)' : ''}
      </Title>
      <Text size="sm" mb="xs">
        {running ? (
          <>
            Running now:{' '}
            <AnchorLink to="/runs/$runId" params={{ runId: running.id }} search={{ tab: 'steps' }}>
              {running.name}
            </AnchorLink>
          </>
        ) : (
          'Nothing is running.'
        )}
      </Text>
      {data?.items.length ? (
        <Table striped aria-labelledby="queue-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Position</Table.Th>
              <Table.Th>Run</Table.Th>
              <Table.Th>Queued by</Table.Th>
              <Table.Th>Since</Table.Th>
              {canOperate && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{item.position}</Table.Td>
                <Table.Td>
                  <AnchorLink to="/runs/$runId" params={{ runId: item.id }} search={{ tab: 'steps' }}>
                    {item.name}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{item.startedBy}</Table.Td>
                <Table.Td>{formatTime(item.createdAt)}</Table.Td>
                {canOperate && (
                  <Table.Td>
                    <Group gap="xs">
                      <Button size="xs" variant="default" onClick={() => void cancel(item.id, item.name)}>
                        Cancel…
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm">No runs queued.</Text>
      )}
    </section>
  );
}
