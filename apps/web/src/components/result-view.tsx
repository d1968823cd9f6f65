import { Code, Table } from '@mantine/core';
import { formatValue } from '../lib/format';

/** A scalar as text, an object as a Field | Value table, anything else as compact JSON. */
export function ResultView({ value }: { value: unknown }) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return (
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Field</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(value).map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td>{k}</Table.Td>
              <Table.Td>{formatValue(v)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  }
  if (value === null || value === undefined) return <span>No value returned</span>;
  // The direct answer in full: every digit the instrument returned.
  return <Code>{typeof value === 'number' ? String(value) : formatValue(value)}</Code>;
}
