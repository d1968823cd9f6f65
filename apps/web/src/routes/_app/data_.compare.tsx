import { Stack, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { useMemo } from 'react';
import { $api } from '../../api/client';
import { AnchorLink } from '../../components/links';
import { PageTitle } from '../../components/page-title';
import { ResultsPlot } from '../../components/results-plot';
import { optionalString } from '../../lib/search';

export const Route = createFileRoute('/_app/data_/compare')({
  validateSearch: (s: Record<string, unknown>): { runs?: string } => ({ runs: optionalString(s.runs) }),
  component: ComparePage,
});

/** Two or more runs' results on one plot (one line per run), with each run's lowest, highest and mean. */
function ComparePage() {
  const { runs = '' } = Route.useSearch();
  const ids = runs.split(',').filter(Boolean).slice(0, 8);
  const records = useQueries({ queries: ids.map((id) => $api.queryOptions('get', '/api/runs/{id}', { params: { path: { id } } })) });
  const results = useQueries({ queries: ids.map((id) => $api.queryOptions('get', '/api/runs/{id}/results', { params: { path: { id } } })) });
  const ready = results.every((r) => r.data) && records.every((r) => r.data);
  const tables = useMemo(
    () => (ready ? ids.map((id, i) => ({ label: `${records[i].data?.name ?? id} (#${records[i].data?.number ?? ''})`, columns: results[i].data?.columns ?? [], rows: results[i].data?.rows ?? [] })) : []),
    // The query results are new objects on every render; what they hold changes only with their data.
    [ready, runs, ...results.map((r) => r.dataUpdatedAt), ...records.map((r) => r.dataUpdatedAt)],
  );
  return (
    <Stack>
      <PageTitle>Compare runs</PageTitle>
      <Text>
        Choose runs to compare in <AnchorLink to="/data">Data</AnchorLink>.
      </Text>
      {ids.length < 1 && <Text>No runs chosen.</Text>}
      {results.some((r) => r.error) && <Text c="red">A run could not be read: it may have been deleted.</Text>}
      {ready && tables.length > 0 && <ResultsPlot tables={tables} idPrefix="compare" summarise />}
    </Stack>
  );
}
