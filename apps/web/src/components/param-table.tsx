import { ActionIcon, Alert, Button, FileButton, Group, Modal, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { cellError, emptyRow, importCsv, pasteBlock, toCsv, type CsvImport, type ParamColumn, type TextRow } from '../lib/param-table';
import { describeTypeText } from '../lib/type-text';

interface Props {
  columns: ParamColumn[];
  rows: TextRow[];
  onChange: (rows: TextRow[]) => void;
  /** Errors from the gateway, keyed `row:column`. */
  serverErrors?: Record<string, string>;
}

/**
 * The run's parameter table: one column per #parameter, each cell checked as typed; paste a block
 * from a spreadsheet into any cell; import an IvoryOS config CSV after a preview.
 */
export function ParamTable({ columns, rows, onChange, serverErrors = {} }: Props) {
  const [preview, setPreview] = useState<(CsvImport & { file: string }) | undefined>();
  const setCell = (i: number, name: string, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [name]: value } : r)));
  const download = () => {
    const url = URL.createObjectURL(new Blob([toCsv(rows, columns)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'parameters.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={300}>
        <Table withTableBorder withColumnBorders aria-label="Parameters">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={50}>Row</Table.Th>
              {columns.map((c) => (
                <Table.Th key={c.name}>
                  {c.name} <Text span size="xs" c="dimmed">{describeTypeText(c.type)}</Text>
                </Table.Th>
              ))}
              <Table.Th w={60}>
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <Table.Tr key={i}>
                <Table.Td>{i + 1}</Table.Td>
                {columns.map((c, j) => {
                  const error = serverErrors[`${i}:${c.name}`] ?? (row[c.name] === '' ? undefined : cellError(row[c.name], c));
                  return (
                    <Table.Td key={c.name}>
                      <TextInput
                        aria-label={`${c.name}, row ${i + 1}`}
                        value={row[c.name] ?? ''}
                        error={error}
                        onChange={(e) => setCell(i, c.name, e.currentTarget.value)}
                        onPaste={(e) => {
                          const text = e.clipboardData.getData('text/plain');
                          if (!/[\t\n]/.test(text.trim())) return;
                          e.preventDefault();
                          onChange(pasteBlock(rows, columns, i, j, text));
                        }}
                      />
                    </Table.Td>
                  );
                })}
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove row ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <span aria-hidden>✕</span>
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 && <Text>Add at least one row.</Text>}
      <Group>
        <Button variant="default" onClick={() => onChange([...rows, emptyRow(columns)])}>
          Add row
        </Button>
        <FileButton
          accept=".csv,text/csv"
          onChange={async (file) => {
            if (file) setPreview({ ...importCsv(await file.text(), columns), file: file.name });
          }}
        >
          {(props) => (
            <Button variant="default" {...props}>
              Import CSV…
            </Button>
          )}
        </FileButton>
        <Button variant="default" onClick={download} disabled={rows.length === 0}>
          Download CSV template
        </Button>
      </Group>
      <Modal opened={!!preview} onClose={() => setPreview(undefined)} title={`Import ${preview?.file ?? ''}`}>
        {preview && (
          <Stack>
            <Text>
              {preview.rows.length} rows; {preview.rows.reduce((n, r) => n + columns.filter((c) => cellError(r[c.name], c)).length, 0)} cells with errors.
            </Text>
            {preview.problems.map((p) => (
              <Alert key={p} color="orange">
                {p}
              </Alert>
            ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPreview(undefined)}>
                Cancel
              </Button>
              <Button
                onClick={() => {
                  onChange(preview.rows);
                  setPreview(undefined);
                }}
                disabled={preview.rows.length === 0}
              >
                Use these rows
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
