import { Group, Select, Stack, Text } from '@mantine/core';
import { Suspense, lazy, useMemo, useState } from 'react';
import { formatValue } from '../lib/format';
import { defaultY, numericColumns, seriesOf, summary } from '../lib/plot-data';
import { DataTable } from './data-table';

const LinePlot = lazy(() => import('./line-plot'));

export interface ResultTable {
  label: string;
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * A plot of one result column against another (sample by default), one line per table: a run's
 * outputs, or several runs compared. Only columns holding numbers are offered.
 */
export function ResultsPlot({ tables, idPrefix, summarise = false }: { tables: ResultTable[]; idPrefix: string; summarise?: boolean }) {
  const numeric = useMemo(() => {
    const all = tables.map((t) => numericColumns(t.columns, t.rows));
    return all.length ? all.reduce((a, b) => a.filter((c) => b.includes(c))) : [];
  }, [tables]);
  const [x, setX] = useState<string | null>(null);
  const [y, setY] = useState<string | null>(null);
  const xCol = x && numeric.includes(x) ? x : numeric.includes('sample') ? 'sample' : numeric[0];
  const yCol = y && numeric.includes(y) ? y : defaultY(numeric);
  const series = useMemo(() => (xCol && yCol ? tables.map((t) => seriesOf(tables.length === 1 ? yCol : t.label, t.rows, xCol, yCol)) : []), [tables, xCol, yCol]);
  if (!xCol || !yCol) return <Text size="sm">No numeric results to plot yet.</Text>;
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <Stack gap="xs">
      <Group align="flex-end">
        <Select id={`${idPrefix}-y`} label="Plot" data={numeric} value={yCol} onChange={setY} allowDeselect={false} w={200} />
        <Select id={`${idPrefix}-x`} label="against" data={numeric} value={xCol} onChange={setX} allowDeselect={false} w={200} />
      </Group>
      <Suspense fallback={<Text size="sm">Loading the plot…</Text>}>
        <LinePlot series={series} xLabel={xCol} yLabel={yCol} label={`${yCol} against ${xCol}: ${points} points in ${series.length} ${series.length === 1 ? 'series' : 'series'}`} />
      </Suspense>
      {summarise && (
        <DataTable
          label={`Summary of ${yCol}`}
          columns={[
            { header: 'Run', cell: (r) => r.label },
            { header: 'n', cell: (r) => r.stats?.n ?? 0 },
            { header: `lowest ${yCol}`, cell: (r) => formatValue(r.stats?.min) },
            { header: `highest ${yCol}`, cell: (r) => formatValue(r.stats?.max) },
            { header: `mean ${yCol}`, cell: (r) => formatValue(r.stats && Number(r.stats.mean.toPrecision(6))) },
          ]}
          rows={series.map((s) => ({ label: s.label, stats: summary(s.points.map((p) => p[1])) }))}
          rowKey={(r, i) => `${r.label}-${i}`}
          empty="No runs."
        />
      )}
    </Stack>
  );
}
