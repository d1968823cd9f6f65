import { Alert, Button, Group, PasswordInput, Select, Stack, Switch, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { $api, errorText, fetchClient, fieldErrors } from '../../api/client';
import { formatTime } from '../../lib/format';
import { DataTable } from '../data-table';

const ROLES = ['viewer', 'operator', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** Users and roles: create, change role, disable or enable (there is no self-signup). */
export function UsersPanel({ self }: { self: string }) {
  const queryClient = useQueryClient();
  const { data } = $api.useQuery('get', '/api/users');
  const [form, setForm] = useState({ username: '', password: '', role: 'operator' as Role });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/users'] });

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    const { error } = await fetchClient.POST('/api/users', { body: form });
    if (error) {
      setErrors(fieldErrors(error));
      setMessage(errorText(error));
      return;
    }
    setErrors({});
    setMessage('');
    setForm({ username: '', password: '', role: 'operator' });
    notifications.show({ color: 'green', title: 'User created', message: form.username });
    await refresh();
  };
  const update = async (username: string, body: { role?: Role; disabled?: boolean }) => {
    const { error } = await fetchClient.PATCH('/api/users/{username}', { params: { path: { username } }, body });
    if (error) notifications.show({ color: 'red', title: `${username} was not changed`, message: errorText(error) });
    await refresh();
  };

  return (
    <Stack>
      <DataTable
        label="Users"
        columns={[
          { header: 'User', cell: (u) => u.username },
          {
            header: 'Role',
            // Your own role and access are not yours to change here: said in words, not as greyed controls.
            cell: (u) =>
              u.username === self ? (
                `${u.role} (you)`
              ) : (
                <Select
                  aria-label={`Role of ${u.username}`}
                  data={[...ROLES]}
                  value={u.role}
                  allowDeselect={false}
                  onChange={(role) => role && void update(u.username, { role: role as Role })}
                  w={140}
                />
              ),
          },
          {
            header: 'Enabled',
            cell: (u) =>
              u.username === self ? (
                'yes'
              ) : (
                <Switch
                  aria-label={`${u.username} enabled`}
                  checked={!u.disabled}
                  onChange={(e) => void update(u.username, { disabled: !e.currentTarget.checked })}
                />
              ),
          },
          { header: 'Last sign-in', cell: (u) => formatTime(u.lastLoginAt) },
        ]}
        rows={data?.items}
        rowKey={(u) => u.id}
        empty="No users."
      />
      <form onSubmit={create} aria-labelledby="new-user-title">
        <Title order={2} size="h4" id="new-user-title" mb="xs">
          New user
        </Title>
        <Group align="flex-start">
          <TextInput label="Username" value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} error={errors.username} required />
          <PasswordInput label="Initial password" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} error={errors.password} required w={220} />
          <Select label="Role" data={[...ROLES]} value={form.role} onChange={(r) => setForm({ ...form, role: (r as Role) ?? 'operator' })} allowDeselect={false} w={140} />
          <Button type="submit" mt={25}>
            Create user
          </Button>
        </Group>
        {message && !Object.keys(errors).length && <Alert color="red" mt="xs">{message}</Alert>}
      </form>
    </Stack>
  );
}
