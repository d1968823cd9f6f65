import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { errorText, fetchClient } from '../api/client';
import { meQuery } from '../lib/me';
import { safeNext } from '../lib/search';

export const Route = createFileRoute('/login')({
  validateSearch: (search: Record<string, unknown>): { next?: string } => (typeof search.next === 'string' ? { next: search.next } : {}),
  component: LoginPage,
});

function LoginPage() {
  const { next } = Route.useSearch();
  const queryClient = useQueryClient();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: { username: (v) => (v.trim() ? null : 'Enter your username'), password: (v) => (v ? null : 'Enter your password') },
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError('');
    const { error: failed, response } = await fetchClient.POST('/api/auth/login', { body: values });
    setBusy(false);
    if (failed) {
      const wait = response.headers.get('retry-after');
      setError(response.status === 401 ? 'Wrong username or password' : wait ? `Too many attempts, try again in ${wait} s` : errorText(failed));
      return;
    }
    queryClient.removeQueries();
    await queryClient.fetchQuery(meQuery);
    // A full navigation: the session cookie is new, and every cached answer belonged to nobody.
    window.location.assign(safeNext(next));
  });

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={380} component="form" onSubmit={submit} aria-labelledby="login-title">
        <Stack>
          <Title order={1} id="login-title" size="h2">
            Sign in to IvoryOS
          </Title>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label="Username" autoComplete="username" autoFocus {...form.getInputProps('username')} />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
