import { Anchor, Group } from '@mantine/core';
import type { Schemas } from '../api/client';
import { durationBetween, formatTime } from '../lib/format';
import type { Column } from './data-table';
import { AnchorLink } from './links';
import { StatusBadge } from './status-badge';

type Run = Schemas['RunSummaryResponse'];

export const MODE_WORDS: Record<string, string> = { repeat: 'repeated', parameters: 'parameter table', optimizer: 'optimizer' };

/** The columns a list of runs can show (Home shows a few, Data all); the name opens the run on `tab`. */
export const runColumns = (tab: 'steps' | 'outputs') =>
  ({
    name: {
      header: 'Run',
      cell: (run) => (
        <AnchorLink to="/runs/$runId" params={{ runId: run.id }} search={{ tab }}>
          {run.name}
        </AnchorLink>
      ),
    },
    workflow: { header: 'Workflow', cell: (run) => run.workflow },
    deck: { header: 'Deck', cell: (run) => run.deck },
    status: { header: 'Status', cell: (run) => <StatusBadge status={run.status} /> },
    mode: { header: 'Mode', cell: (run) => MODE_WORDS[run.mode] ?? run.mode },
    startedBy: { header: 'Started by', cell: (run) => run.startedBy },
    created: { header: 'Created', cell: (run) => formatTime(run.createdAt) },
    duration: { header: 'Duration', cell: (run) => durationBetween(run.startedAt, run.endedAt) },
    downloads: {
      header: 'CSV',
      cell: (run) => (
        <Group gap="xs" wrap="nowrap">
          <Anchor size="sm" href={`/api/runs/${run.id}/results.csv`} download={`${run.name}-results.csv`} aria-label={`Results CSV of ${run.name}`}>
            results
          </Anchor>
          <Anchor size="sm" href={`/api/runs/${run.id}/steps.csv`} download={`${run.name}-steps.csv`} aria-label={`Steps CSV of ${run.name}`}>
            steps
          </Anchor>
        </Group>
      ),
    },
  }) satisfies Record<string, Column<Run>>;
