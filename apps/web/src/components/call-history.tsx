import { Code, Text, Title } from '@mantine/core';
import { $api } from '../api/client';
import { durationBetween, formatTime, formatValue } from '../lib/format';
import { DataTable } from './data-table';
import { StatusBadge } from './status-badge';

type Call = { instrument: string; methodName: string; kwargs?: Record<string, unknown> | null };

/** How a call reads: a property set as `pump.rate = 2`, anything else as a call with its arguments. */
export function callText(c: Call): string {
  const setter = /^(.*)_\(setter\)$/.exec(c.methodName);
  const args = Object.entries(c.kwargs ?? {});
  if (setter && args.length === 1) return `${c.instrument}.${setter[1]} = ${formatValue(args[0][1])}`;
  return `${c.instrument}.${c.methodName}(${args.map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')})`;
}

/** This deck's recent direct calls: who, when, what, and the answer. */
export function CallHistory({ deck }: { deck: string }) {
  const { data } = $api.useQuery('get', '/api/control-steps', { params: { query: { deck, perPage: 20 } } }, { refetchInterval: 10_000 });
  return (
    <section aria-labelledby="history-title">
      <Title order={2} size="h3" id="history-title" mb="xs">
        Call history
      </Title>
      <DataTable
        labelledBy="history-title"
        minWidth={700}
        columns={[
          { header: 'When', cell: (c) => formatTime(c.createdAt) },
          { header: 'Who', cell: (c) => c.calledBy },
          { header: 'Call', cell: (c) => <Code>{callText(c)}</Code> },
          { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
          { header: 'Result', cell: (c) => (c.success ? formatValue(c.output) : c.error ? <Text c="red" size="sm">{c.error.split('\n')[0]}</Text> : '—') },
          { header: 'Duration', cell: (c) => durationBetween(c.startedAt, c.endedAt) },
        ]}
        rows={data?.items}
        rowKey={(c) => c.id}
        empty="No direct calls on this deck yet."
      />
    </section>
  );
}
