import { Pagination, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  width?: number;
}

export interface Paging {
  total: number;
  perPage: number;
  page: number;
  onChange: (page: number) => void;
}

interface Props<T> {
  /** The table's accessible name: a label, or the id of a heading that names it. */
  label?: string;
  labelledBy?: string;
  /** `false` leaves a column out (one the signed-in role has no use for). */
  columns: (Column<T> | false)[];
  /** Undefined while loading: nothing is shown, so an empty message never flashes. */
  rows: readonly T[] | undefined;
  rowKey: (row: T, index: number) => string;
  /** Said when there are no rows. */
  empty: ReactNode;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth?: number;
  /** Pages, shown only when there is more than one. */
  paging?: Paging;
}

/** The app's list table: striped rows, a word when empty, sideways scrolling, pages when needed. */
export function DataTable<T>({ label, labelledBy, columns, rows, rowKey, empty, minWidth = 600, paging }: Props<T>) {
  if (!rows) return null;
  if (rows.length === 0) return typeof empty === 'string' ? <Text>{empty}</Text> : <>{empty}</>;
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <>
      <Table.ScrollContainer minWidth={minWidth}>
        <Table striped aria-label={label} aria-labelledby={labelledBy}>
          <Table.Thead>
            <Table.Tr>
              {shown.map((c) => (
                <Table.Th key={c.header} w={c.width}>
                  {c.header}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <Table.Tr key={rowKey(row, i)}>
                {shown.map((c) => (
                  <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {paging && paging.total > paging.perPage && (
        <Pagination total={Math.ceil(paging.total / paging.perPage)} value={paging.page} onChange={paging.onChange} aria-label="Pages" />
      )}
    </>
  );
}
