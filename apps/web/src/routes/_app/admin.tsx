import { Stack, Tabs, Text } from '@mantine/core';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { ApiKeysPanel } from '../../components/admin/api-keys-panel';
import { AuditPanel } from '../../components/admin/audit-panel';
import { DeckTokensPanel } from '../../components/admin/deck-tokens-panel';
import { UsersPanel } from '../../components/admin/users-panel';
import { PageTitle } from '../../components/page-title';
import { useMe } from '../../lib/me';
import { oneOf } from '../../lib/search';

const TABS = ['users', 'api-keys', 'decks', 'audit'] as const;

export const Route = createFileRoute('/_app/admin')({
  validateSearch: (s: Record<string, unknown>): { tab?: (typeof TABS)[number] } => (s.tab === undefined ? {} : { tab: oneOf(s.tab, TABS, 'users') }),
  component: AdminPage,
});

function AdminPage() {
  const me = useMe();
  const { tab = 'users' } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  // The API refuses these reads to other roles; the page does not ask for them.
  if (!me.isAdmin) {
    return (
      <Stack>
        <PageTitle>Admin</PageTitle>
        <Text>Your role ({me.role}) cannot manage users, keys or decks.</Text>
      </Stack>
    );
  }
  return (
    <Stack>
      <PageTitle>Admin</PageTitle>
      <Tabs value={tab} onChange={(t) => void navigate({ search: { tab: oneOf(t, TABS, 'users') }, replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="api-keys">API keys</Tabs.Tab>
          <Tabs.Tab value="decks">Deck tokens</Tabs.Tab>
          <Tabs.Tab value="audit">Audit log</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users" pt="sm">
          <UsersPanel self={me.name} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="sm">
          <ApiKeysPanel />
        </Tabs.Panel>
        <Tabs.Panel value="decks" pt="sm">
          <DeckTokensPanel />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="sm">
          <AuditPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
