import { Code, Table, Text, Title } from '@mantine/core';
import { $api } from '../api/client';
import { durationBetween, formatTime, formatValue } from '../lib/format';
import { StatusBadge } from './status-badge';

/** This deck's recent direct calls: who, when, what, and the answer. */
export function CallHistory({ deck }: { deck: string }) {
  const { data } = $api.useQuery('get', '/api/control-steps', { params: { query: { deck, perPage: 20 } } }, { refetchInterval: 10_000 });
  return (
    <section aria-labelledby="history-title">
      <Title order={2} size="h3" id="history-title" mb="xs">
        Call history
      </Title>
      {data?.items.length === 0 ? (
        <Text>No direct calls on this deck yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table striped aria-labelledby="history-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Call</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Duration</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data?.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{formatTime(c.createdAt)}</Table.Td>
                  <Table.Td>{c.calledBy}</Table.Td>
                  <Table.Td>
                    <Code>{`${c.instrument}.${c.methodName}(${Object.entries(c.kwargs ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')})`}</Code>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td>{c.success ? formatValue(c.output) : c.error ? <Text c="red" size="sm">{c.error.split('\n')[0]}</Text> : '—'}</Table.Td>
                  <Table.Td>{durationBetween(c.startedAt, c.endedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
