import { Stack, Text, Title } from '@mantine/core';
import { Suspense, lazy, useMemo } from 'react';
import { $api } from '../api/client';
import { formatValue } from '../lib/format';
import type { Series } from '../lib/plot-data';
import { DataTable } from './data-table';

const LinePlot = lazy(() => import('./line-plot'));

const SUGGESTED: Record<string, string> = { initial: 'first design', model: 'model', seeded: 'earlier run', operator: 'operator' };

/** An optimizer run's trials: the first objective per trial and the best so far, then every trial in a table. */
export function RunTrials({ runId }: { runId: string }) {
  const { data } = $api.useQuery('get', '/api/runs/{id}/trials', { params: { path: { id: runId } } });
  // The run answer does not name the objectives; the first one is the output whose best value is the
  // best-so-far the trials report.
  const objective = useMemo(() => {
    const last = data?.items.findLast((t) => t.bestSoFar !== null)?.bestSoFar;
    return data?.best ? Object.keys(data.best.outputs).find((k) => data.best?.outputs[k] === last) : undefined;
  }, [data]);
  const series = useMemo((): Series[] => {
    if (!data || !objective) return [];
    const values = data.items.flatMap((t): [number, number][] => (typeof t.outputs[objective] === 'number' ? [[t.index, t.outputs[objective] as number]] : []));
    const best = data.items.flatMap((t): [number, number][] => (t.bestSoFar === null ? [] : [[t.index, t.bestSoFar]]));
    return [
      { label: objective, points: values },
      { label: 'best so far', points: best },
    ];
  }, [data, objective]);
  if (!data) return null;
  const parameters = [...new Set(data.items.flatMap((t) => Object.keys(t.parameters)))];
  const outputs = [...new Set(data.items.flatMap((t) => Object.keys(t.outputs)))];
  return (
    <Stack gap="sm" mb="md">
      <Title order={2} size="h4">
        Trials
      </Title>
      <Text size="sm">
        {data.items.length} {data.items.length === 1 ? 'trial' : 'trials'}
        {data.best ? ` · best: trial ${data.best.index} (${Object.entries(data.best.parameters).map(([k, v]) => `${k} = ${formatValue(v)}`).join(', ')})` : ''}
        {data.pareto?.length ? ` · Pareto front: trials ${data.pareto.join(', ')}` : ''}
      </Text>
      {objective && series[0].points.length > 0 && (
        <Suspense fallback={<Text size="sm">Loading the plot…</Text>}>
          <LinePlot series={series} xLabel="trial" yLabel={objective} label={`${objective} per trial and the best so far: ${series[0].points.length} trials`} />
        </Suspense>
      )}
      <DataTable
        label="Trials"
        minWidth={700}
        columns={[
          { header: 'Trial', cell: (t) => t.index },
          { header: 'Iteration', cell: (t) => t.iteration },
          ...parameters.map((p) => ({ header: `#${p}`, cell: (t: (typeof data.items)[number]) => formatValue(t.parameters[p]) })),
          ...outputs.map((o) => ({ header: o, cell: (t: (typeof data.items)[number]) => formatValue(t.outputs[o]) })),
          { header: 'Suggested by', cell: (t) => (t.suggestedBy ? (SUGGESTED[t.suggestedBy] ?? t.suggestedBy) : '—') },
          { header: 'Best so far', cell: (t) => formatValue(t.bestSoFar) },
          { header: 'Status', cell: (t) => t.status },
        ]}
        rows={data.items}
        rowKey={(t) => String(t.index)}
        empty="No trial has run yet."
      />
    </Stack>
  );
}
