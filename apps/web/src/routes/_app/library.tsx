import { Button, Group, Menu, Select, Stack, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { $api, errorText, fetchClient } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { ImportWorkflowButton } from '../../components/import-workflow-button';
import { AnchorLink, ButtonLink } from '../../components/links';
import { PageTitle } from '../../components/page-title';
import { StatusBadge } from '../../components/status-badge';
import { confirmDialog } from '../../lib/confirm';
import { formatTime } from '../../lib/format';
import { useMe } from '../../lib/me';
import { oneOf, optionalString, positiveInt } from '../../lib/search';

const SORTS = ['-last_modified', 'last_modified', 'name', '-name', 'deck', '-deck', 'author', '-author'] as const;
const PER_PAGE = 20;

interface LibrarySearch {
  q?: string;
  deck?: string;
  status?: 'editing' | 'finalized';
  author?: string;
  sort?: (typeof SORTS)[number];
  page?: number;
}

export const Route = createFileRoute('/_app/library')({
  validateSearch: (s: Record<string, unknown>): LibrarySearch => ({
    q: optionalString(s.q),
    deck: optionalString(s.deck),
    status: s.status === 'editing' || s.status === 'finalized' ? s.status : undefined,
    author: optionalString(s.author),
    sort: s.sort === undefined ? undefined : oneOf(s.sort, SORTS, '-last_modified'),
    page: s.page === undefined ? undefined : positiveInt(s.page, 1),
  }),
  component: LibraryPage,
});

function SaveAsForm({ from, onDone }: { from: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(`${from}_copy`);
  const [error, setError] = useState('');
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const { error: failed } = await fetchClient.POST('/api/workflows/{name}/save-as', { params: { path: { name: from } }, body: { name } });
        if (failed) return setError(errorText(failed));
        await queryClient.invalidateQueries({ queryKey: ['get', '/api/workflows'] });
        onDone();
      }}
    >
      <Stack>
        <TextInput label="New name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} data-autofocus />
        <Group justify="flex-end">
          <Button type="submit">Duplicate</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Run, and a menu with export, duplicate and delete (the last two for operators). */
function RowActions({ name, canOperate, onDuplicate, onDelete }: { name: string; canOperate: boolean; onDuplicate: (name: string) => void; onDelete: (name: string) => void }) {
  return (
    <Group gap="xs" wrap="nowrap">
      {canOperate && (
        <ButtonLink size="xs" to="/execute/$workflow" params={{ workflow: name }}>
          Run
        </ButtonLink>
      )}
      <Menu>
        <Menu.Target>
          <Button size="xs" variant="default" aria-label={`More actions for ${name}`}>
            More
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item component="a" href={`/api/workflows/${encodeURIComponent(name)}/export`} download={`${name}.json`}>
            Export JSON
          </Menu.Item>
          {canOperate && <Menu.Item onClick={() => onDuplicate(name)}>Duplicate…</Menu.Item>}
          {canOperate && (
            <Menu.Item color="red" onClick={() => onDelete(name)}>
              Delete…
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}

function LibraryPage() {
  const raw = Route.useSearch();
  const search = { ...raw, sort: raw.sort ?? '-last_modified', page: raw.page ?? 1 };
  const navigate = useNavigate({ from: Route.fullPath });
  const me = useMe();
  const queryClient = useQueryClient();
  const set = (patch: Partial<LibrarySearch>) => void navigate({ search: (s) => ({ ...s, page: 1, ...patch }), replace: true });
  const { data, isLoading } = $api.useQuery('get', '/api/workflows', {
    params: { query: { keyword: search.q, deck: search.deck, status: search.status, author: search.author, sort: search.sort, page: search.page, perPage: PER_PAGE } },
  });
  const decks = $api.useQuery('get', '/api/decks');

  const remove = async (name: string) => {
    if (!(await confirmDialog(`Delete ${name}?`, `The workflow ${name} is deleted; records of its runs are kept.`, 'Delete workflow', true))) return;
    const { error } = await fetchClient.DELETE('/api/workflows/{name}', { params: { path: { name } } });
    if (error) notifications.show({ color: 'red', title: `${name} was not deleted`, message: errorText(error) });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/workflows'] });
  };
  const duplicate = (name: string) => {
    const id = modals.open({ title: `Duplicate ${name}`, children: <SaveAsForm from={name} onDone={() => modals.close(id)} /> });
  };
  const filtered = !!(search.q || search.deck || search.status || search.author);
  return (
    <Stack>
      <Group justify="space-between">
        <PageTitle>Library</PageTitle>
        {me.canOperate && <ImportWorkflowButton />}
      </Group>
      <Group align="flex-end">
        <TextInput label="Search" placeholder="Name or description" value={search.q ?? ''} onChange={(e) => set({ q: e.currentTarget.value || undefined })} />
        <Select label="Deck" placeholder="All decks" clearable data={(decks.data?.items ?? []).map((d) => d.name)} value={search.deck ?? null} onChange={(v) => set({ deck: v ?? undefined })} />
        <Select label="Status" placeholder="Any status" clearable data={['editing', 'finalized']} value={search.status ?? null} onChange={(v) => set({ status: (v as LibrarySearch['status']) ?? undefined })} />
        <TextInput label="Author" placeholder="Anyone" value={search.author ?? ''} onChange={(e) => set({ author: e.currentTarget.value || undefined })} />
        <Select
          label="Sort by"
          data={[
            { value: '-last_modified', label: 'Newest change' },
            { value: 'last_modified', label: 'Oldest change' },
            { value: 'name', label: 'Name A–Z' },
            { value: '-name', label: 'Name Z–A' },
            { value: 'deck', label: 'Deck' },
            { value: 'author', label: 'Author' },
          ]}
          value={search.sort}
          onChange={(v) => set({ sort: oneOf(v, SORTS, '-last_modified') })}
          allowDeselect={false}
        />
      </Group>
      <DataTable
        label="Workflows"
        minWidth={800}
        columns={[
          {
            header: 'Name',
            cell: (w) => (
              <AnchorLink to="/design/$workflow" params={{ workflow: w.name }} search={{ phase: 'script' }}>
                {w.name}
              </AnchorLink>
            ),
          },
          { header: 'Deck', cell: (w) => w.deck ?? '—' },
          { header: 'Description', cell: (w) => w.description || '—' },
          { header: 'Status', cell: (w) => <StatusBadge status={w.status} /> },
          { header: 'Steps', cell: (w) => w.steps },
          { header: 'Modified', cell: (w) => formatTime(w.last_modified) },
          { header: 'Author', cell: (w) => w.author || '—' },
          { header: 'Actions', cell: (w) => <RowActions name={w.name} canOperate={me.canOperate} onDuplicate={duplicate} onDelete={(n) => void remove(n)} /> },
        ]}
        rows={isLoading ? undefined : (data?.items ?? [])}
        rowKey={(w) => w.name}
        empty={filtered ? 'No workflow matches these filters.' : 'No workflows yet: import an IvoryOS JSON file.'}
        paging={data && { total: data.total, perPage: PER_PAGE, page: search.page, onChange: (page) => void navigate({ search: (s) => ({ ...s, page }) }) }}
      />
    </Stack>
  );
}
