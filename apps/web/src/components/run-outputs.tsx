import { Anchor, Group, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { $api } from '../api/client';
import { formatValue } from '../lib/format';
import { ResultsPlot } from './results-plot';
import { RunTrials } from './run-trials';

/**
 * One row per sample: parameters, variables and outputs, plotted (live while the run goes on); downloadable as CSV.
 * An optimizer run shows its trials instead: the same rows in the chemist's words (who suggested each, best so far),
 * so a second table of raw field names would only repeat them; the CSV keeps every column.
 */
export function RunOutputs({ runId, optimizer = false }: { runId: string; optimizer?: boolean }) {
  const { data } = $api.useQuery('get', '/api/runs/{id}/results', { params: { path: { id: runId } } });
  const tables = useMemo(() => (data ? [{ label: 'this run', columns: data.columns, rows: data.rows }] : []), [data]);
  return (
    <div>
      <Group justify="flex-end" mb="xs">
        <Anchor href={`/api/runs/${encodeURIComponent(runId)}/results.csv`} download={`run-${runId}-results.csv`}>
          Download CSV
        </Anchor>
        <Anchor href={`/api/runs/${encodeURIComponent(runId)}/steps.csv`} download={`run-${runId}-steps.csv`}>
          Download steps CSV
        </Anchor>
      </Group>
      {optimizer ? (
        <RunTrials runId={runId} />
      ) : !data || data.rows.length === 0 ? (
        <Text>No results yet.</Text>
      ) : (
        <>
          <ResultsPlot tables={tables} idPrefix="outputs" />
          <Table.ScrollContainer minWidth={500}>
            <Table striped withTableBorder aria-label="Results">
              <Table.Thead>
                <Table.Tr>
                  {data.columns.map((c) => (
                    <Table.Th key={c}>{c}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.rows.map((row, i) => (
                  <Table.Tr key={i}>
                    {data.columns.map((c) => (
                      <Table.Td key={c}>{formatValue((row as Record<string, unknown>)[c])}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </div>
  );
}
