import { Alert, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import type { ActionSchema, DeckSchema } from '@ivoryos/contracts';
import { $api } from '../../../api/client';
import { CallHistory } from '../../../components/call-history';
import { NavLinkLink } from '../../../components/links';
import { MethodCard } from '../../../components/method-card';
import { PageTitle } from '../../../components/page-title';
import { PropertyCard } from '../../../components/property-card';
import { StatusBadge } from '../../../components/status-badge';
import { formatTime } from '../../../lib/format';
import { useMe } from '../../../lib/me';
import { optionalString } from '../../../lib/search';

export const Route = createFileRoute('/_app/devices/$deck')({
  validateSearch: (s: Record<string, unknown>): { instrument?: string; q?: string } => ({ instrument: optionalString(s.instrument), q: optionalString(s.q) }),
  component: DevicesPage,
});

const SETTER = /_\(setter\)$/;

interface Property {
  name: string;
  getter?: ActionSchema;
  setter?: ActionSchema;
}

function split(actions: Record<string, ActionSchema>): { methods: ActionSchema[]; properties: Property[] } {
  const methods: ActionSchema[] = [];
  const props = new Map<string, Property>();
  for (const action of Object.values(actions)) {
    if (action.kind === 'method') methods.push(action);
    else {
      const name = action.name.replace(SETTER, '');
      const prop = props.get(name) ?? { name };
      if (action.kind === 'getter') prop.getter = action;
      else prop.setter = action;
      props.set(name, prop);
    }
  }
  return { methods, properties: [...props.values()] };
}

function DevicesPage() {
  const { deck } = Route.useParams();
  const { instrument, q } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const me = useMe();
  const { data, error } = $api.useQuery('get', '/api/decks/{deck}', { params: { path: { deck } } }, { refetchInterval: 5_000 });
  if (error) {
    return (
      <Stack>
        <PageTitle>Devices: {deck}</PageTitle>
        <Alert color="red">No deck named {deck}.</Alert>
      </Stack>
    );
  }
  const schema = data?.schema as unknown as DeckSchema | undefined;
  const instruments = schema ? Object.values(schema.instruments) : [];
  const selected = instruments.find((i) => i.name === instrument) ?? instruments[0];
  const { methods, properties } = selected ? split(selected.actions) : { methods: [], properties: [] };
  const needle = (q ?? '').toLowerCase();
  const shown = methods.filter((m) => !needle || m.name.toLowerCase().includes(needle) || (m.doc ?? '').toLowerCase().includes(needle));
  const online = !!data?.online;
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <PageTitle>Devices: {deck}</PageTitle>
        {data && (
          <Group gap="xs">
            <StatusBadge status={data.online ? data.status : 'offline'} />
            <Text size="sm">last seen {formatTime(data.lastSeenAt)}</Text>
          </Group>
        )}
      </Group>
      {!me.canOperate && <Text size="sm">You can read every method and its arguments here; calling an instrument needs an operator.</Text>}
      {data && !online && <Alert color="orange">{deck} is offline since {formatTime(data.lastSeenAt)}: calls are possible again once its agent is back.</Alert>}
      {data?.status === 'busy' && me.canOperate && <Alert color="blue">A run is in progress on {deck}: a direct call asks before it overrides the run.</Alert>}
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Stack component="nav" aria-label="Instruments" w={220} gap={2} style={{ flexShrink: 0 }}>
          <Title order={2} size="h5" mb={4}>
            Instruments
          </Title>
          {instruments.map((i) => (
            <NavLinkLink key={i.name}
              to="/devices/$deck"
              params={{ deck }}
              search={{ instrument: i.name, q }}
              label={i.name.replace(/^deck\./, '')}
              active={selected?.name === i.name}
            />
          ))}
        </Stack>
        <Stack style={{ flex: 1, minWidth: 0 }}>
          {selected && (
            <>
              <Group justify="space-between">
                <Title order={2} size="h3" ff="monospace">
                  {selected.name}
                </Title>
                <TextInput
                  aria-label="Search methods"
                  placeholder="Search methods"
                  value={q ?? ''}
                  onChange={(e) => void navigate({ search: (s) => ({ ...s, q: e.currentTarget.value || undefined }), replace: true })}
                />
              </Group>
              {selected.doc && <Text>{selected.doc}</Text>}
              {methods.length === 0 && properties.length === 0 && <Text>This instrument exports no public methods.</Text>}
              <SimpleGrid cols={{ base: 1, lg: 2, xl: 3 }}>
                {shown.map((action) => (
                  <MethodCard key={`${selected.name}.${action.name}`} deck={deck} instrument={selected.name} action={action} canOperate={me.canOperate} online={online} />
                ))}
                {properties.map((p) => (
                  <PropertyCard key={`${selected.name}.${p.name}`} deck={deck} instrument={selected.name} {...p} canOperate={me.canOperate} online={online} />
                ))}
              </SimpleGrid>
            </>
          )}
        </Stack>
      </Group>
      <CallHistory deck={deck} />
    </Stack>
  );
}
