import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { $api, errorText, fetchClient } from '../api/client';
import { confirmDialog } from '../lib/confirm';
import { formatTime } from '../lib/format';
import { DataTable } from './data-table';
import { AnchorLink } from './links';

type Sent = Promise<{ error?: unknown }>;

function RenameForm({ name, onSave }: { name: string; onSave: (name: string) => Promise<string | undefined> }) {
  const [value, setValue] = useState(name);
  const [error, setError] = useState('');
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setError((await onSave(value.trim())) ?? '');
      }}
    >
      <Stack>
        <TextInput label="Name" value={value} onChange={(e) => setValue(e.currentTarget.value)} error={error} data-autofocus />
        <Group justify="flex-end">
          <Button type="submit">Rename</Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The deck's running run and its queue in order. Operators move queued runs up and down, rename
 * them, cancel them, and pause the queue (the running run goes on; no new one starts).
 */
export function DeckQueue({ deck, canOperate }: { deck: string; canOperate: boolean }) {
  const queryClient = useQueryClient();
  const { data } = $api.useQuery('get', '/api/decks/{deck}/queue', { params: { path: { deck } } }, { refetchInterval: 5_000 });
  const running = data?.running as { id: string; name: string; status: string } | null | undefined;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/decks/{deck}/queue'] });
  const send = async (what: string, request: () => Sent): Promise<string | undefined> => {
    const { error } = await request();
    await refresh();
    if (!error) return undefined;
    notifications.show({ color: 'red', title: `${what} was refused`, message: errorText(error) });
    return errorText(error);
  };
  const path = { params: { path: { deck } } };
  const move = (runId: string, to: number) => void send('Moving the run', () => fetchClient.POST('/api/decks/{deck}/queue/move', { ...path, body: { runId, to } }));
  const cancel = async (id: string, name: string) => {
    if (!(await confirmDialog(`Cancel ${name}?`, 'The queued run is removed from the queue and never starts.', 'Cancel run', true))) return;
    await send('Cancel', () => fetchClient.POST('/api/runs/{id}/cancel', { params: { path: { id } } }));
  };
  const rename = (id: string, name: string) => {
    const modal = modals.open({
      title: `Rename ${name}`,
      children: (
        <RenameForm
          name={name}
          onSave={async (next) => {
            const failed = await send('Renaming', () => fetchClient.PATCH('/api/runs/{id}', { params: { path: { id } }, body: { name: next } }));
            if (!failed) modals.close(modal);
            return failed;
          }}
        />
      ),
    });
  };
  const items = data?.items ?? [];
  return (
    <section aria-labelledby={`queue-title-${deck}`}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id={`queue-title-${deck}`}>
          Queue of {deck}
          {data?.paused ? ' (paused)' : ''}
        </Title>
        {canOperate && data && (
          <Button
            size="xs"
            variant="default"
            onClick={() => void send(data.paused ? 'Resuming the queue' : 'Pausing the queue', () => fetchClient.POST(data.paused ? '/api/decks/{deck}/queue/resume' : '/api/decks/{deck}/queue/pause', path))}
          >
            {data.paused ? 'Resume queue' : 'Pause queue'}
          </Button>
        )}
      </Group>
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
        {data?.paused && ' The queue is paused: no queued run starts until it is resumed.'}
      </Text>
      <DataTable
        labelledBy={`queue-title-${deck}`}
        columns={[
          { header: 'Position', cell: (item) => item.position, width: 90 },
          {
            header: 'Run',
            cell: (item) => (
              <AnchorLink to="/runs/$runId" params={{ runId: item.id }} search={{ tab: 'steps' }}>
                {item.name}
              </AnchorLink>
            ),
          },
          { header: 'Queued by', cell: (item) => item.startedBy ?? '—' },
          { header: 'Since', cell: (item) => formatTime(item.createdAt) },
          canOperate && {
            header: 'Actions',
            cell: (item) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="xs" variant="default" disabled={item.position === 1} onClick={() => move(item.id, item.position - 1)} aria-label={`Move ${item.name} up`} title="Move up">
                  ↑
                </Button>
                <Button size="xs" variant="default" disabled={item.position === items.length} onClick={() => move(item.id, item.position + 1)} aria-label={`Move ${item.name} down`} title="Move down">
                  ↓
                </Button>
                <Button size="xs" variant="default" onClick={() => rename(item.id, item.name)}>
                  Rename…
                </Button>
                <Button size="xs" variant="default" onClick={() => void cancel(item.id, item.name)}>
                  Cancel…
                </Button>
              </Group>
            ),
          },
        ]}
        rows={data?.items}
        rowKey={(item) => item.id}
        empty={<Text size="sm">No runs queued.</Text>}
      />
    </section>
  );
}
