import { Code, Table, Text, Title } from '@mantine/core';
import type { Schemas } from '../api/client';
import { durationBetween, formatValue } from '../lib/format';
import { StatusBadge } from './status-badge';

const PHASE_NAMES: Record<string, string> = { prep: 'Prep', main: 'Script', cleanup: 'Cleanup' };

/** Steps grouped by phase and iteration, in the order they ran. */
export function RunSteps({ run }: { run: Schemas['RunResponse'] }) {
  if (run.phases.length === 0) return <Text>No step has run yet.</Text>;
  return (
    <div>
      {run.phases.filter((phase) => phase.steps.length > 0).map((phase) => (
        <section key={`${phase.name}-${phase.repeatIndex}`} aria-label={`${PHASE_NAMES[phase.name]} ${phase.name === 'main' ? `iteration ${phase.repeatIndex}` : ''}`}>
          <Title order={3} size="h5" mt="sm" mb={4}>
            {PHASE_NAMES[phase.name] ?? phase.name}
            {phase.name === 'main' ? ` · iteration ${phase.repeatIndex}` : ''}
          </Title>
          <Table.ScrollContainer minWidth={700}>
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={60}>Step</Table.Th>
                  <Table.Th>Call</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Output</Table.Th>
                  <Table.Th w={100}>Duration</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {phase.steps.map((step) => (
                  <Table.Tr key={step.id}>
                    <Table.Td>{step.stepIndex}</Table.Td>
                    <Table.Td>
                      <Code>{`${step.instrument}.${step.methodName}(${Object.entries(step.args ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')})`}</Code>
                      {step.attempt > 1 && <Text span size="xs"> attempt {step.attempt}</Text>}
                      {step.error && <Text size="xs" c="red">{step.error.split('\n')[0]}</Text>}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={step.status} />
                    </Table.Td>
                    <Table.Td>{formatValue(step.output)}</Table.Td>
                    <Table.Td>{durationBetween(step.startedAt, step.endedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
      ))}
    </div>
  );
}
