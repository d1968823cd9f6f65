import { ActionIcon, AppShell, Burger, Button, Group, Text, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, createFileRoute, redirect, useRouterState } from '@tanstack/react-router';
import { NavLinkLink } from '../components/links';
import { fetchClient, loginHref } from '../api/client';
import { AttentionButton } from '../components/attention-button';
import { meQuery, useMe } from '../lib/me';

export const Route = createFileRoute('/_app')({
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(meQuery);
    } catch {
      throw redirect({ href: loginHref(location.href) });
    }
  },
  component: AppLayout,
});

const NAV = [
  { to: '/', label: 'Home' },
  { to: '/devices', label: 'Devices' },
  { to: '/design', label: 'Design' },
  { to: '/library', label: 'Library' },
  { to: '/execute', label: 'Execute' },
  { to: '/data', label: 'Data' },
] as const;

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  return (
    <ActionIcon variant="default" size="lg" aria-label="Toggle colour scheme" title="Toggle colour scheme" onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
      <span aria-hidden>{scheme === 'dark' ? '☀' : '☾'}</span>
    </ActionIcon>
  );
}

function AppLayout() {
  const me = useMe();
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const queryClient = useQueryClient();
  const signOut = async () => {
    await fetchClient.POST('/api/auth/logout', { body: { everywhere: false } });
    queryClient.clear();
    window.location.assign('/login');
  };
  const active = (to: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700} size="lg" component={Link} to="/" style={{ textDecoration: 'none', color: 'inherit' }}>
              IvoryOS
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <AttentionButton />
            <ColorSchemeToggle />
            <Text size="sm" visibleFrom="xs">
              {me.name} <Text span c="dimmed" size="sm">({me.role})</Text>
            </Text>
            <Button variant="default" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {NAV.map((item) => (
          <NavLinkLink key={item.to} to={item.to} label={item.label} active={active(item.to)} onClick={close} />
        ))}
        {me.isAdmin && <NavLinkLink to="/admin" label="Admin" active={active('/admin')} onClick={close} />}
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
