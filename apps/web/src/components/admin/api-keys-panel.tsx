import { Button, Group, Modal, Select, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { $api, errorText, fetchClient, fieldErrors } from '../../api/client';
import { confirmDialog } from '../../lib/confirm';
import { formatTime } from '../../lib/format';
import { DataTable } from '../data-table';
import { ShownOnce } from './shown-once';

const ROLES = ['viewer', 'operator', 'admin'] as const;

/** API keys for scripts and LIMS: created with a role (and optionally one deck), shown once, revoked. */
export function ApiKeysPanel() {
  const queryClient = useQueryClient();
  const { data } = $api.useQuery('get', '/api/api-keys');
  const decks = $api.useQuery('get', '/api/decks');
  const [form, setForm] = useState<{ name: string; role: (typeof ROLES)[number]; deck: string | null }>({ name: '', role: 'operator', deck: null });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/api-keys'] });

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    const { data: key, error } = await fetchClient.POST('/api/api-keys', { body: { name: form.name, role: form.role, ...(form.deck ? { deck: form.deck } : {}) } });
    if (error || !key) {
      const fields = fieldErrors(error);
      setErrors(Object.keys(fields).length ? fields : { name: errorText(error) });
      return;
    }
    setErrors({});
    setForm({ name: '', role: 'operator', deck: null });
    setCreated(key.key);
    await refresh();
  };
  const revoke = async (id: string, name: string) => {
    if (!(await confirmDialog(`Revoke ${name}?`, 'Requests with this key are refused from now on.', 'Revoke key', true))) return;
    const { error } = await fetchClient.DELETE('/api/api-keys/{id}', { params: { path: { id } } });
    if (error) notifications.show({ color: 'red', title: `${name} was not revoked`, message: errorText(error) });
    await refresh();
  };
  return (
    <Stack>
      <DataTable
        label="API keys"
        minWidth={700}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Key starts', cell: (k) => `${k.prefix}…` },
          { header: 'Role', cell: (k) => k.role },
          { header: 'Deck', cell: (k) => k.deck ?? 'all' },
          { header: 'Created', cell: (k) => formatTime(k.createdAt) },
          { header: 'Last used', cell: (k) => formatTime(k.lastUsedAt) },
          {
            header: 'Actions',
            cell: (k) =>
              k.revokedAt ? (
                `revoked ${formatTime(k.revokedAt)}`
              ) : (
                <Button size="xs" variant="default" onClick={() => void revoke(k.id, k.name)}>
                  Revoke…
                </Button>
              ),
          },
        ]}
        rows={data?.items}
        rowKey={(k) => k.id}
        empty="No API keys yet."
      />
      <form onSubmit={create} aria-labelledby="new-key-title">
        <Title order={2} size="h4" id="new-key-title" mb="xs">
          New API key
        </Title>
        <Group align="flex-start">
          <TextInput label="Name" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={errors.name} required />
          <Select label="Role" data={[...ROLES]} value={form.role} onChange={(r) => setForm({ ...form, role: (r as (typeof ROLES)[number]) ?? 'operator' })} allowDeselect={false} w={140} />
          <Select label="Deck" placeholder="all decks" clearable data={(decks.data?.items ?? []).map((d) => d.name)} value={form.deck} onChange={(d) => setForm({ ...form, deck: d })} error={errors.deck} />
          <Button type="submit" mt={25}>
            Create key
          </Button>
        </Group>
      </form>
      <Modal opened={!!created} onClose={() => setCreated(undefined)} title="API key created">
        {created && <ShownOnce label="API key" secret={created} onClose={() => setCreated(undefined)} />}
      </Modal>
    </Stack>
  );
}
