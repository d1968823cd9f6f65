import { Alert, Button, Group, Progress as ProgressBar, Stack, Tabs, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { DecisionDialog, WaitingBanner, type DecisionHandlers } from '../../../components/decision-dialog';
import { AnchorLink } from '../../../components/links';
import { PageTitle } from '../../../components/page-title';
import { RunLog } from '../../../components/run-log';
import { MODE_WORDS } from '../../../components/run-columns';
import { RunOutputs } from '../../../components/run-outputs';
import { RunSteps } from '../../../components/run-steps';
import { RunTimeline } from '../../../components/run-timeline';
import { StatusBadge } from '../../../components/status-badge';
import { StopDialog } from '../../../components/stop-dialog';
import { isSetAside, setAside, bringBack } from '../../../lib/decided-later';
import { durationBetween, formatTime } from '../../../lib/format';
import { useMe } from '../../../lib/me';
import { useRunCommands } from '../../../lib/run-commands';
import { runQuery, useRunStream, type Progress } from '../../../lib/run-stream';
import { oneOf } from '../../../lib/search';

const TABS = ['steps', 'timeline', 'log', 'outputs'] as const;

export const Route = createFileRoute('/_app/runs/$runId')({
  validateSearch: (s: Record<string, unknown>): { tab: (typeof TABS)[number] } => ({ tab: oneOf(s.tab, TABS, 'steps') }),
  component: RunPage,
});

function positionText(progress: Progress | undefined, phase: string | undefined): string {
  if (!progress) return phase ? `${phase}` : '';
  return `${phase ? `${phase} · ` : ''}iteration ${progress.iteration} of ${progress.total} · step ${progress.step} of ${progress.steps}`;
}

function RunPage() {
  const { runId } = Route.useParams();
  const { tab } = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const me = useMe();
  const { data: run, error } = useQuery(runQuery(runId));
  const { progress, live, logVersion } = useRunStream(runId);
  const commands = useRunCommands(runId);
  const [stopWhen, setStopWhen] = useState<'after-iteration' | 'now' | undefined>();
  const [, rerender] = useState(0);

  if (error) {
    return (
      <Stack>
        <PageTitle>Run not found</PageTitle>
        <Text>
          No run {runId}. <AnchorLink to="/">Back home</AnchorLink>
        </Text>
      </Stack>
    );
  }
  if (!run) return <PageTitle>Run</PageTitle>;

  const waiting = run.status === 'waiting' ? run.waiting : undefined;
  const dialogOpen = !!waiting && me.canOperate && !isSetAside(waiting.promptId);
  const later = () => {
    if (waiting) setAside(waiting.promptId);
    rerender((n) => n + 1);
  };
  const handlers: DecisionHandlers = {
    busy: !!commands.busy,
    retry: () => void commands.retry(waiting?.promptId),
    skip: () => void commands.skip(waiting?.promptId),
    resume: () => void commands.resume(waiting?.promptId),
    input: (value) => void commands.input(value, waiting?.promptId),
    stopNow: () => {
      later();
      setStopWhen('now');
    },
  };
  const lastPhase = run.phases.at(-1);
  const phaseWord = lastPhase ? { prep: 'Prep', main: 'Script', cleanup: 'Cleanup' }[lastPhase.name] : undefined;
  const active = ['running', 'paused', 'waiting'].includes(run.status);
  const position = positionText(progress, active ? phaseWord : undefined);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <PageTitle>{run.name}</PageTitle>
          <Text size="sm">
            Workflow {run.workflow} on{' '}
            <AnchorLink to="/devices/$deck" params={{ deck: run.deck }}>
              {run.deck}
            </AnchorLink>{' '}
            · {MODE_WORDS[run.mode] ?? run.mode} · started by {run.startedBy} · created {formatTime(run.createdAt)}
            {run.startedAt && ` · ${run.endedAt ? 'took' : 'running for'} ${durationBetween(run.startedAt, run.endedAt)}`}
          </Text>
        </div>
        <Group gap="xs" role="status" aria-label="Run status">
          <StatusBadge status={run.status} />
          {active && <Text size="sm">{live ? 'live' : 'reconnecting…'}</Text>}
        </Group>
      </Group>
      {active && !run.deckOnline && <Alert color="red">The deck {run.deck} is offline: the run continues when its agent is back.</Alert>}
      {run.error && <Alert color="red" title="Run failed">{run.error}</Alert>}
      {active && progress && (
        <div>
          <Text size="sm" aria-live="polite">
            {position}
          </Text>
          <ProgressBar value={(100 * Math.max(0, progress.iteration - 1 + progress.step / Math.max(1, progress.steps))) / Math.max(1, progress.total)} aria-label="Progress" />
        </div>
      )}
      {me.canOperate && (
        <Group>
          {run.status === 'running' && (
            <Button variant="default" onClick={() => void commands.pause()} loading={commands.busy === 'Pause'}>
              Pause
            </Button>
          )}
          {run.status === 'paused' && (
            <Button onClick={() => void commands.resume()} loading={commands.busy === 'Resume'}>
              Resume
            </Button>
          )}
          {active && (
            <>
              <Button variant="outline" color="red" onClick={() => setStopWhen('after-iteration')}>
                Stop after this iteration…
              </Button>
              {!waiting && (
                <Button variant="outline" color="red" onClick={() => setStopWhen('now')}>
                  Stop now…
                </Button>
              )}
            </>
          )}
          {run.status === 'queued' && (
            <Button variant="outline" color="red" onClick={() => void commands.cancel()}>
              Cancel run
            </Button>
          )}
        </Group>
      )}
      {waiting && !dialogOpen && (
        <WaitingBanner
          waiting={waiting}
          onOpen={
            me.canOperate
              ? () => {
                  bringBack(waiting.promptId);
                  rerender((n) => n + 1);
                }
              : undefined
          }
        />
      )}
      {waiting && <DecisionDialog waiting={waiting} opened={dialogOpen} onLater={later} handlers={handlers} />}
      <StopDialog
        when={stopWhen}
        onClose={() => setStopWhen(undefined)}
        onStop={(choice) => {
          setStopWhen(undefined);
          void commands.stop(choice);
        }}
      />
      <Tabs value={tab} onChange={(t) => void navigate({ search: { tab: (t as (typeof TABS)[number]) ?? 'steps' }, replace: true })}>
        <Tabs.List>
          <Tabs.Tab value="steps">Steps</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="log">Log</Tabs.Tab>
          <Tabs.Tab value="outputs">Outputs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="steps" pt="sm">
          <RunSteps run={run} follow={active} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="sm">
          {tab === 'timeline' && <RunTimeline run={run} />}
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="sm">
          {tab === 'log' && <RunLog runId={runId} version={logVersion} />}
        </Tabs.Panel>
        <Tabs.Panel value="outputs" pt="sm">
          {tab === 'outputs' && <RunOutputs runId={runId} optimizer={run.mode === 'optimizer'} />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
