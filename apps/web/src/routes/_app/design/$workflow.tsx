import { Alert, Button, Group, List, Modal, Select, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createFileRoute, useBlocker, useNavigate } from '@tanstack/react-router';
import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { ActionSchema, DeckSchema, WorkflowAction } from '@ivoryos/contracts';
import { $api, errorText, fetchClient } from '../../../api/client';
import { StepInspector } from '../../../components/designer/step-inspector';
import { StepTree } from '../../../components/designer/step-tree';
import { ButtonLink } from '../../../components/links';
import { PageTitle } from '../../../components/page-title';
import { FLOW_STEPS, insertAfter, isFlowStep, lineNumbers, moveUnit, moveUnitTo, newBlock, newFlowStep, newUuid, removeUnit, rowLabel } from '../../../lib/designer-tree';
import { confirmDialog } from '../../../lib/confirm';
import { useMe } from '../../../lib/me';
import { initialValue } from '../../../lib/schema-form';
import { oneOf } from '../../../lib/search';

const CodeView = lazy(() => import('../../../components/designer/code-view'));
const PHASES = ['prep', 'script', 'cleanup'] as const;
type Phase = (typeof PHASES)[number];
type ScriptDict = Record<Phase, WorkflowAction[]>;
const PHASE_NAMES: Record<Phase, string> = { prep: 'Prep', script: 'Script', cleanup: 'Cleanup' };

export const Route = createFileRoute('/_app/design/$workflow')({
  validateSearch: (s: Record<string, unknown>): { phase?: Phase | 'code' } =>
    s.phase === undefined ? {} : { phase: oneOf(s.phase, [...PHASES, 'code'] as const, 'script') },
  component: DesignPage,
});

function newStep(choice: string, schema: DeckSchema | undefined): WorkflowAction[] {
  if (choice === 'block:if') return newBlock('if', '#condition');
  if (choice === 'block:repeat') return newBlock('repeat', 2);
  if (choice === 'block:while') return newBlock('while', '#condition');
  const flow = choice.startsWith('flow:') ? choice.slice(5) : '';
  if (isFlowStep(flow)) return [newFlowStep(flow)];
  const [instrument, method] = choice.split('::');
  const action = schema?.instruments[instrument]?.actions[method];
  const args = Object.fromEntries((action?.params ?? []).map((p) => [p.name, p.default !== undefined ? (p.default as never) : initialValue(p)]));
  const argTypes = Object.fromEntries((action?.params ?? []).map((p) => [p.name, p.type]));
  return [{ id: 0, uuid: newUuid(), instrument, action: method, args, arg_types: argTypes, return: '' }];
}

function DesignPage() {
  const { workflow } = Route.useParams();
  const { phase: tab = 'script' } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const queryClient = useQueryClient();
  const me = useMe();
  const saved = $api.useQuery('get', '/api/workflows/{name}', { params: { path: { name: workflow } } });
  const [draft, setDraft] = useState<ScriptDict | undefined>();
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<Record<Phase, number>>({ prep: -1, script: -1, cleanup: -1 });
  const [choice, setChoice] = useState<string | null>(null);
  const [saveAs, setSaveAs] = useState<string | undefined>();
  const [saveError, setSaveError] = useState('');
  useEffect(() => {
    if (saved.data && !draft) setDraft(saved.data.script_dict as unknown as ScriptDict);
  }, [saved.data, draft]);
  const deck = saved.data?.deck ?? undefined;
  const deckQuery = $api.useQuery('get', '/api/decks/{deck}', { params: { path: { deck: deck ?? '' } } }, { enabled: !!deck });
  const schema = deckQuery.data?.schema as unknown as DeckSchema | undefined;
  const readOnly = !me.canOperate || saved.data?.status === 'finalized';

  // Checked by the gateway as you type (debounced): every problem at its step and field.
  const [debounced] = useDebouncedValue(draft, 300);
  const check = useQuery({
    queryKey: ['validate-draft', workflow, deck, JSON.stringify(debounced)],
    enabled: !!debounced,
    queryFn: async () => {
      const { data, error } = await fetchClient.POST('/api/workflows/validate', { body: { deck, workflow: { name: workflow, deck, script_dict: debounced as never } } });
      if (error || !data) throw new Error(errorText(error));
      return data;
    },
    placeholderData: (previous) => previous,
  });

  const blocker = useBlocker({ shouldBlockFn: () => dirty, enableBeforeUnload: () => dirty, withResolver: true });
  const options = useMemo(() => {
    const instruments = schema ? Object.values(schema.instruments) : [];
    return [
      {
        group: 'Flow control',
        items: [
          { value: 'block:if', label: 'if / else' },
          { value: 'block:repeat', label: 'repeat' },
          { value: 'block:while', label: 'while' },
          ...Object.entries(FLOW_STEPS).map(([kind, f]) => ({ value: `flow:${kind}`, label: f.label })),
        ],
      },
      ...instruments.map((i) => ({
        group: i.name,
        items: Object.values(i.actions)
          .filter((a: ActionSchema) => a.kind === 'method')
          .map((a) => ({ value: `${i.name}::${a.name}`, label: `${i.name.replace(/^deck\./, '')}.${a.name}` })),
      })),
    ];
  }, [schema]);

  if (saved.error) return <PageTitle>No workflow named {workflow}</PageTitle>;
  if (!draft || !saved.data) return <PageTitle>Design {workflow}</PageTitle>;
  const phase: Phase = tab === 'code' ? 'script' : tab;
  const actions = draft[phase];
  const index = selected[phase];
  const update = (next: WorkflowAction[], nextIndex = index) => {
    setDraft({ ...draft, [phase]: next });
    setSelected({ ...selected, [phase]: nextIndex });
    setDirty(true);
  };
  const issues = (check.data?.errors ?? []).filter((e) => e.phase === phase);
  const perStep = new Map<number, number>();
  for (const e of issues) if (e.stepId !== null) perStep.set(e.stepId, (perStep.get(e.stepId) ?? 0) + 1);
  const stepProblems = Object.fromEntries(issues.filter((e) => e.stepId === actions[index]?.id).map((e) => [e.field, e.message]));
  const total = check.data?.errors.length ?? 0;

  const save = async () => {
    setSaveError('');
    const { error } = await fetchClient.PUT('/api/workflows/{name}', {
      params: { path: { name: workflow } },
      body: { name: workflow, deck, description: saved.data?.description, script_dict: draft as never },
    });
    if (error) return setSaveError(errorText(error));
    setDirty(false);
    notifications.show({ color: 'green', title: 'Saved', message: workflow });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/workflows/{name}'] });
  };
  const saveCopy = async (name: string) => {
    const { error } = await fetchClient.POST('/api/workflows', { body: { name, deck, script_dict: draft as never } });
    if (error) return setSaveError(errorText(error));
    setDirty(false);
    setSaveAs(undefined);
    await navigate({ to: '/design/$workflow', params: { workflow: name }, search: { phase: tab } });
  };

  const finalize = async () => {
    const ok = await confirmDialog(`Finalize ${workflow}?`, 'Finalized workflows cannot be changed; use Save as to make a changed copy. Runs keep working.', 'Finalize');
    if (!ok) return;
    const { error } = await fetchClient.POST('/api/workflows/{name}/finalize', { params: { path: { name: workflow } } });
    if (error) return setSaveError(errorText(error));
    notifications.show({ color: 'green', title: 'Finalized', message: workflow });
    await queryClient.invalidateQueries({ queryKey: ['get', '/api/workflows/{name}'] });
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <PageTitle>Design {workflow}</PageTitle>
          <Text size="sm">
            Deck {deck ?? 'none'} · {saved.data.status}
            {dirty ? ' · unsaved changes' : ''} ·{' '}
            {check.isFetching ? 'checking…' : total === 0 ? 'no problems' : `${total} ${total === 1 ? 'problem' : 'problems'}`}
          </Text>
        </div>
        <Group gap="xs">
          {!readOnly && (
            <>
              <Button onClick={() => void save()} disabled={!dirty}>
                Save
              </Button>
              <Button variant="default" onClick={() => void finalize()} disabled={dirty} title={dirty ? 'Save first' : undefined}>
                Finalize…
              </Button>
            </>
          )}
          {me.canOperate && (
            <Button variant="default" onClick={() => setSaveAs(`${workflow}_copy`)}>
              Save as…
            </Button>
          )}
          <Button variant="default" component="a" href={`/api/workflows/${encodeURIComponent(workflow)}/export`} download={`${workflow}.json`}>
            Export JSON
          </Button>
          {me.canOperate && (
            <ButtonLink
              variant="default"
              to="/execute/$workflow"
              params={{ workflow }}
              disabled={dirty || total > 0}
              title={dirty ? 'Save first' : total > 0 ? `Fix the ${total} ${total === 1 ? 'problem' : 'problems'} first` : undefined}
            >
              Run…
            </ButtonLink>
          )}
        </Group>
      </Group>
      {saved.data.status === 'finalized' && <Alert color="blue">Finalized: use Save as to change it.</Alert>}
      {saveError && <Alert color="red" title="Not saved">{saveError}</Alert>}
      <Tabs value={tab} onChange={(t) => void navigate({ search: { phase: oneOf(t, [...PHASES, 'code'] as const, 'script') }, replace: true })} keepMounted={false}>
        <Tabs.List>
          {PHASES.map((p) => (
            <Tabs.Tab key={p} value={p}>
              {PHASE_NAMES[p]} ({lineNumbers(draft[p]).filter(Boolean).length})
            </Tabs.Tab>
          ))}
          <Tabs.Tab value="code">Code</Tabs.Tab>
        </Tabs.List>
        {PHASES.map((p) => (
          <Tabs.Panel key={p} value={p} pt="sm">
            <Group align="flex-start" wrap="nowrap" gap="lg">
              <Stack style={{ flex: 3, minWidth: 0 }}>
                <StepTree
                  label={`${PHASE_NAMES[p]} steps`}
                  actions={actions}
                  selected={index}
                  problems={perStep}
                  onSelect={(i) => setSelected({ ...selected, [phase]: i })}
                  onMove={readOnly ? undefined : (i, d) => {
                    const moved = moveUnit(actions, i, d);
                    update(moved.actions, moved.index);
                  }}
                  onDelete={readOnly ? undefined : (i) => update(removeUnit(actions, i), Math.min(i, actions.length - 2))}
                  onDrop={readOnly ? undefined : (from, over) => {
                    const moved = moveUnitTo(actions, from, over);
                    update(moved.actions, moved.index);
                  }}
                />
                {!readOnly && (
                  <Group align="flex-end">
                    <Select label="Add a step" placeholder="method or block" searchable data={options} value={choice} onChange={setChoice} w={320} />
                    <Button
                      disabled={!choice}
                      onClick={() => {
                        if (!choice) return;
                        const added = insertAfter(actions, index, newStep(choice, schema));
                        update(added.actions, added.index);
                      }}
                    >
                      Add step
                    </Button>
                  </Group>
                )}
              </Stack>
              <Stack style={{ flex: 2, minWidth: 260 }}>
                <StepInspector
                  actions={actions}
                  index={index}
                  schema={actions[index] ? schema?.instruments[actions[index].instrument]?.actions[actions[index].action] : undefined}
                  problems={stepProblems}
                  readOnly={readOnly}
                  onChange={(a) => update(actions.map((x, i) => (i === index ? a : x)))}
                  onMove={(d) => {
                    const moved = moveUnit(actions, index, d);
                    update(moved.actions, moved.index);
                  }}
                  onDelete={() => update(removeUnit(actions, index), Math.min(index, actions.length - 2))}
                />
              </Stack>
            </Group>
            {issues.length > 0 && (
              <Alert color="red" mt="md" title={`Problems in ${PHASE_NAMES[p]}`}>
                <List size="sm">
                  {issues.map((e, i) => {
                    // The gateway counts every marker; the canvas numbers lines without block ends.
                    const at = actions.findIndex((a) => a.id === e.stepId);
                    return (
                      <List.Item key={i}>
                        {at >= 0 ? `line ${lineNumbers(actions)[at] ?? at + 1}, ${rowLabel(actions[at])}` : 'the phase'}
                        {e.field ? ` (${e.field})` : ''}: {e.message}
                      </List.Item>
                    );
                  })}
                </List>
              </Alert>
            )}
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="code" pt="sm">
          <Suspense fallback={<Text>Loading…</Text>}>
            <CodeView name={workflow} deck={deck} scriptDict={draft} />
          </Suspense>
        </Tabs.Panel>
      </Tabs>
      <Modal opened={!!saveAs} onClose={() => setSaveAs(undefined)} title="Save as a new workflow">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (saveAs) void saveCopy(saveAs);
          }}
        >
          <Stack>
            <TextInput label="New name" value={saveAs ?? ''} onChange={(e) => setSaveAs(e.currentTarget.value)} data-autofocus />
            <Group justify="flex-end">
              <Button type="submit">Save copy</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={blocker.status === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?">
        <Stack>
          <Text>Your changes to {workflow} are not saved.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
              Stay
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              Leave without saving
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
