import { Code, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';

/** The run's log as the gateway writes it; refreshed when the stream says a line was added. */
export function RunLog({ runId, version }: { runId: string; version: number }) {
  const { data, isLoading } = useQuery({
    queryKey: ['run-log', runId, version],
    queryFn: async () => {
      const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/log`);
      if (!res.ok) throw new Error(`The log could not be read (${res.status})`);
      return res.text();
    },
    placeholderData: (previous) => previous,
  });
  return (
    <div>
      <Group justify="flex-end" mb="xs">
        <a href={`/api/runs/${encodeURIComponent(runId)}/log`} download={`run-${runId}.log`}>
          Download log
        </a>
      </Group>
      {isLoading ? <Text>Loading…</Text> : data ? <Code block aria-live="off" aria-label="Run log" tabIndex={0} style={{ maxHeight: 480, overflow: 'auto' }}>{data}</Code> : <Text>No log lines yet.</Text>}
    </div>
  );
}
