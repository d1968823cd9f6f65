import { Alert, Button, Card, Group, List, NumberInput, Select, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { TypeDescriptor, WorkflowAction } from '@ivoryos/contracts';
import { $api, errorText, fetchClient, fieldErrors } from '../../../api/client';
import { DeckQueue } from '../../../components/deck-queue';
import { PageTitle } from '../../../components/page-title';
import { OptimizerForm } from '../../../components/optimizer-form';
import { ParamTable } from '../../../components/param-table';
import { treeRows } from '../../../lib/designer-tree';
import { useMe } from '../../../lib/me';
import { emptyDraft, optimizerBody, type OptimizerDraft } from '../../../lib/optimizer-form';
import { convertRows, emptyRow, type ParamColumn, type TextRow } from '../../../lib/param-table';
import { oneOf, optionalString } from '../../../lib/search';

const MODES = ['repeat', 'table', 'optimizer'] as const;

export const Route = createFileRoute('/_app/execute/$workflow')({
  validateSearch: (s: Record<string, unknown>): { deck?: string; mode?: (typeof MODES)[number] } => ({
    deck: optionalString(s.deck),
    mode: s.mode === undefined ? undefined : oneOf(s.mode, MODES, 'repeat'),
  }),
  component: ExecutePage,
});

/** What the run will do, in the loop's terms: iterations, and the steps of each phase. */
function preview(count: number, table: boolean, batch: number, phases: Record<string, WorkflowAction[]> | undefined): string {
  const steps = (name: string) => treeRows(phases?.[name] ?? []).filter((r) => r.kind === 'leaf').length;
  const iterations = table ? Math.ceil(count / batch) : count;
  const loops = (phases?.script ?? []).some((a) => a.instrument === 'repeat' || a.instrument === 'while');
  const head = table ? `${count} ${count === 1 ? 'row' : 'rows'} in batches of ${batch}: ${iterations} ${iterations === 1 ? 'iteration' : 'iterations'}` : `${iterations} ${iterations === 1 ? 'iteration' : 'iterations'} of ${batch} ${batch === 1 ? 'sample' : 'samples'}`;
  return `${head}, each running the script's ${steps('script')} steps${loops ? ' (more where they repeat)' : ''}; prep (${steps('prep')} steps) and cleanup (${steps('cleanup')}) run once.`;
}

/** `parameters[3].temp` (the gateway's path) → `3:temp` (the grid's key). */
function gridErrors(errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const m = /^parameters\[(\d+)\]\.(.+)$/.exec(path);
    if (m) out[`${m[1]}:${m[2]}`] = message;
  }
  return out;
}

function ExecutePage() {
  const { workflow } = Route.useParams();
  const search = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const me = useMe();
  const wf = $api.useQuery('get', '/api/workflows/{name}', { params: { path: { name: workflow } } });
  const deck = search.deck ?? wf.data?.deck ?? undefined;
  const decks = $api.useQuery('get', '/api/decks');
  const check = useQuery({
    queryKey: ['validate', workflow, deck],
    enabled: !!wf.data,
    queryFn: async () => {
      const { data, error } = await fetchClient.POST('/api/workflows/{name}/validate', { params: { path: { name: workflow } }, body: deck ? { deck } : {} });
      if (error) throw new Error(errorText(error));
      return data;
    },
  });
  const columns: ParamColumn[] = (check.data?.parameters ?? []).map((p) => ({ name: p.name, type: p.type as TypeDescriptor }));
  const hasParams = columns.length > 0;
  const mode = search.mode ?? (hasParams ? 'table' : 'repeat');
  const [repeat, setRepeat] = useState<number | string>(1);
  const [batchSize, setBatchSize] = useState<number | string>(1);
  const [rows, setRows] = useState<TextRow[]>([]);
  const [name, setName] = useState('');
  const [onError, setOnError] = useState<'wait' | 'skip' | 'stop'>('wait');
  const [webhook, setWebhook] = useState('');
  const [problems, setProblems] = useState<{ message: string; fields: Record<string, string> } | undefined>();
  const [busy, setBusy] = useState(false);
  const [optDraft, setOptDraft] = useState<OptimizerDraft | undefined>();
  const columnKey = columns.map((c) => c.name).join(',');
  useEffect(() => {
    if (columnKey) setRows((r) => (r.length ? r : [emptyRow(columns)]));
  }, [columnKey]);

  const outputs = check.data?.outputs ?? [];
  const canOptimize = hasParams && outputs.length > 0;
  const draftKey = `${columnKey}|${outputs.join(',')}`;
  useEffect(() => {
    if (canOptimize) setOptDraft((d) => d ?? emptyDraft(columns.map((c) => c.name), outputs));
  }, [draftKey]);

  if (wf.error) return <PageTitle>No workflow named {workflow}</PageTitle>;
  const rowCount = mode === 'table' ? rows.length : Number(repeat) || 0;

  const submit = async () => {
    setProblems(undefined);
    const body: Record<string, unknown> = { workflow, deck, onError };
    // An optimizer campaign takes its trials per iteration inside `optimizer`, never as batchSize.
    if (mode !== 'optimizer') body.batchSize = Number(batchSize) || 1;
    if (name.trim()) body.name = name.trim();
    if (webhook.trim()) body.notify = webhook.split(',').map((u) => u.trim()).filter(Boolean);
    if (mode === 'optimizer') {
      const built = optimizerBody(optDraft ?? emptyDraft([], []), Number(batchSize) || 1);
      if (!built.optimizer) return setProblems({ message: `${Object.keys(built.errors).length} fields need attention in the Optimize tab.`, fields: built.errors });
      body.optimizer = built.optimizer;
    } else if (mode === 'table') {
      const converted = convertRows(rows, columns);
      if (Object.keys(converted.errors).length) return setProblems({ message: `${Object.keys(converted.errors).length} cells need a valid value.`, fields: converted.errors });
      if (converted.rows.length === 0) return setProblems({ message: 'Add at least one row.', fields: {} });
      body.parameters = converted.rows;
    } else {
      body.repeat = Number(repeat) || 1;
    }
    setBusy(true);
    const { data, error } = await fetchClient.POST('/api/runs', { body: body as never });
    setBusy(false);
    if (error || !data) return setProblems({ message: errorText(error), fields: mode === 'optimizer' ? fieldErrors(error) : gridErrors(fieldErrors(error)) });
    await navigate({ to: '/runs/$runId', params: { runId: data.id }, search: { tab: 'steps' } });
  };

  return (
    <Stack>
      <PageTitle>Run {workflow}</PageTitle>
      <Card withBorder>
        <Group align="flex-end">
          <Select
            label="Deck"
            data={(decks.data?.items ?? []).map((d) => ({ value: d.name, label: `${d.name} (${d.online ? d.status : 'offline'})` }))}
            value={deck ?? null}
            onChange={(v) => void navigate({ search: (s) => ({ ...s, deck: v ?? undefined }), replace: true })}
          />
          <Text size="sm">
            {check.data ? (check.data.valid ? 'Checked against the deck: no problems.' : `${check.data.errors.length} problems against the deck.`) : 'Checking…'}
          </Text>
        </Group>
        {check.data && !check.data.valid && (
          <Alert color="red" mt="sm" title="This workflow cannot run on this deck">
            <List size="sm">
              {check.data.errors.map((e, i) => (
                <List.Item key={i}>
                  {e.phase} step {e.stepId}
                  {e.field ? ` (${e.field})` : ''}: {e.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {check.error && <Alert color="red" mt="sm">{check.error.message}</Alert>}
        {check.data && (
          <Text size="sm" mt="sm">
            Parameters: {columns.map((c) => `#${c.name}`).join(', ') || 'none'} · Outputs: {check.data.outputs.join(', ') || 'none'}
          </Text>
        )}
      </Card>
      <Tabs value={mode} onChange={(m) => void navigate({ search: (s) => ({ ...s, mode: oneOf(m, MODES, 'repeat') }), replace: true })}>
        <Tabs.List>
          <Tabs.Tab value="repeat" disabled={hasParams} title={hasParams ? `Not available: the workflow has run parameters (${columns.map((c) => `#${c.name}`).join(', ')})` : undefined}>
            Repeat
          </Tabs.Tab>
          <Tabs.Tab value="table" disabled={!hasParams} title={hasParams ? undefined : 'Not available: the workflow has no run parameters'}>
            Parameter table
          </Tabs.Tab>
          <Tabs.Tab value="optimizer" disabled={!canOptimize} title={canOptimize ? undefined : 'Not available: the workflow needs run parameters and a saved output to optimise'}>
            Optimize
          </Tabs.Tab>
        </Tabs.List>
        <Text size="sm" mt={4}>
          {hasParams
            ? `The workflow takes run parameters (${columns.map((c) => `#${c.name}`).join(', ')}): give one row per sample, or let the optimizer choose them${canOptimize ? '' : ' (it needs a saved output to optimise)'}. Repeat is for workflows without them.`
            : 'The workflow takes no run parameters: it is repeated. A parameter table is for workflows with #parameters.'}
        </Text>
        <Tabs.Panel value="repeat" pt="sm">
          <NumberInput label="Repeat" description="How many iterations" min={1} max={100000} allowDecimal={false} value={repeat} onChange={setRepeat} w={200} />
        </Tabs.Panel>
        <Tabs.Panel value="optimizer" pt="sm">
          {optDraft && <OptimizerForm
              draft={optDraft}
              onChange={(d) => {
                setOptDraft(d);
                setProblems(undefined); // marks are redrawn at the next Queue run
              }}
              errors={problems?.fields ?? {}}
            />}
        </Tabs.Panel>
        <Tabs.Panel value="table" pt="sm">
          {hasParams && <ParamTable columns={columns} rows={rows} onChange={setRows} serverErrors={problems?.fields} />}
        </Tabs.Panel>
      </Tabs>
      <Group align="flex-end">
        <NumberInput label="Batch size" description={mode === 'optimizer' ? 'Trials per iteration' : 'Samples per iteration'} min={1} max={1000} allowDecimal={false} value={batchSize} onChange={setBatchSize} w={180} />
        <Select
          label="When a step fails"
          data={[
            { value: 'wait', label: 'Wait for a decision' },
            { value: 'skip', label: 'Skip the step and go on' },
            { value: 'stop', label: 'Stop the run' },
          ]}
          value={onError}
          onChange={(v) => setOnError((v as typeof onError) ?? 'wait')}
          allowDeselect={false}
        />
        <TextInput label="Run name" placeholder={`${workflow} (default)`} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="Webhook URLs" description="Comma-separated; told when the run waits, completes or fails" value={webhook} onChange={(e) => setWebhook(e.currentTarget.value)} w={320} />
      </Group>
      <Text>{mode === 'optimizer' ? `Up to ${optDraft?.budget || '?'} trials, ${Number(batchSize) || 1} per iteration; each runs the script once.` : preview(rowCount, mode === 'table', Number(batchSize) || 1, wf.data?.script_dict as unknown as Record<string, WorkflowAction[]> | undefined)}</Text>
      {problems && <Alert color="red" title="The run was not queued">{problems.message}</Alert>}
      {me.canOperate && (
        <Group>
          <Button onClick={() => void submit()} loading={busy} disabled={!check.data?.valid}>
            Queue run
          </Button>
        </Group>
      )}
      {deck && <DeckQueue deck={deck} canOperate={me.canOperate} />}
    </Stack>
  );
}
