import { Checkbox, Group, MultiSelect, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { $api } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { ButtonLink } from '../../components/links';
import { PageTitle } from '../../components/page-title';
import { runColumns } from '../../components/run-columns';
import { optionalString, positiveInt } from '../../lib/search';

const STATUSES = ['queued', 'running', 'paused', 'waiting', 'completed', 'failed', 'stopped', 'cancelled'];
const PER_PAGE = 25;

interface DataSearch {
  q?: string;
  deck?: string;
  workflow?: string;
  status?: string;
  by?: string;
  from?: string;
  to?: string;
  page?: number;
}

const day = (value: unknown): string | undefined => {
  const s = optionalString(value);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
};

export const Route = createFileRoute('/_app/data')({
  validateSearch: (s: Record<string, unknown>): DataSearch => ({
    q: optionalString(s.q),
    deck: optionalString(s.deck),
    workflow: optionalString(s.workflow),
    status: optionalString(s.status),
    by: optionalString(s.by),
    from: day(s.from),
    to: day(s.to),
    page: s.page === undefined ? undefined : positiveInt(s.page, 1),
  }),
  component: DataPage,
});

/** A day in the local time zone, as the ISO instant the API filters by. */
function dayStart(value: string | undefined, plusDays = 0): string | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function DataPage() {
  const raw = Route.useSearch();
  const search = { ...raw, page: raw.page ?? 1 };
  const navigate = useNavigate({ from: Route.fullPath });
  const set = (patch: Partial<DataSearch>) => void navigate({ search: (s) => ({ ...s, page: 1, ...patch }), replace: true });
  const decks = $api.useQuery('get', '/api/decks');
  const { data, isLoading } = $api.useQuery(
    'get',
    '/api/runs',
    {
      params: {
        query: {
          name: search.q, deck: search.deck, workflow: search.workflow, status: search.status ? search.status.split(',') : undefined, startedBy: search.by,
          from: dayStart(search.from), to: dayStart(search.to, 1), page: search.page, perPage: PER_PAGE,
        },
      },
    },
    { refetchInterval: 10_000 },
  );
  const filtered = Object.entries(search).some(([k, v]) => k !== 'page' && v);
  const [chosen, setChosen] = useState<string[]>([]);
  const choose = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id].slice(-8) : c.filter((x) => x !== id)));
  return (
    <Stack>
      <PageTitle>Data</PageTitle>
      <Group align="flex-end">
        <TextInput label="Run name" placeholder="Any name" value={search.q ?? ''} onChange={(e) => set({ q: e.currentTarget.value || undefined })} />
        <Select label="Deck" placeholder="All decks" clearable data={(decks.data?.items ?? []).map((d) => d.name)} value={search.deck ?? null} onChange={(v) => set({ deck: v ?? undefined })} />
        <TextInput label="Workflow" placeholder="Any workflow" value={search.workflow ?? ''} onChange={(e) => set({ workflow: e.currentTarget.value || undefined })} />
        <MultiSelect
          label="Status"
          placeholder={search.status ? undefined : 'Any status'}
          data={STATUSES}
          value={search.status ? search.status.split(',') : []}
          onChange={(v) => set({ status: v.length ? v.join(',') : undefined })}
          w={260}
        />
        <TextInput label="Started by" placeholder="Anyone" value={search.by ?? ''} onChange={(e) => set({ by: e.currentTarget.value || undefined })} />
        <TextInput type="date" label="From" value={search.from ?? ''} onChange={(e) => set({ from: e.currentTarget.value || undefined })} />
        <TextInput type="date" label="To" value={search.to ?? ''} onChange={(e) => set({ to: e.currentTarget.value || undefined })} />
      </Group>
      <Group>
        <ButtonLink variant="default" to="/data/compare" search={{ runs: chosen.join(',') }} disabled={chosen.length < 2}>
          {chosen.length < 2 ? 'Compare: tick two or more runs' : `Compare ${chosen.length} runs`}
        </ButtonLink>
      </Group>
      <DataTable
        label="Runs"
        minWidth={1040}
        columns={[
          { header: 'Compare', cell: (run) => <Checkbox aria-label={`Compare ${run.name}`} checked={chosen.includes(run.id)} onChange={(e) => choose(run.id, e.currentTarget.checked)} /> },
          ...Object.values(runColumns('outputs')),
        ]}
        rows={isLoading ? undefined : (data?.items ?? [])}
        rowKey={(run) => run.id}
        empty={filtered ? 'No run matches these filters.' : 'No runs yet: start one from the Library.'}
        paging={data && { total: data.total, perPage: PER_PAGE, page: search.page, onChange: (page) => void navigate({ search: (s) => ({ ...s, page }) }) }}
      />
    </Stack>
  );
}
