import Papa from 'papaparse';
import type { JsonValue, TypeDescriptor } from '@ivoryos/contracts';
import { convertValue, parseTypeDescriptor } from '@ivoryos/workflow';

export interface ParamColumn {
  name: string;
  type: TypeDescriptor;
}

/** A row as typed: text per parameter, converted only on submit. */
export type TextRow = Record<string, string>;

export function emptyRow(columns: readonly ParamColumn[]): TextRow {
  return Object.fromEntries(columns.map((c) => [c.name, '']));
}

/** The error of one cell, or undefined when its text converts to the parameter's type. */
export function cellError(text: string | undefined, column: ParamColumn): string | undefined {
  const result = convertValue(text ?? '', column.type);
  return result.ok ? undefined : result.error;
}

/** Every row converted, or the errors keyed `row:column` (all at once). */
export function convertRows(rows: readonly TextRow[], columns: readonly ParamColumn[]): { rows: Record<string, JsonValue>[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const out = rows.map((row, i) => {
    const converted: Record<string, JsonValue> = {};
    for (const column of columns) {
      const result = convertValue(row[column.name] ?? '', column.type);
      if (result.ok) converted[column.name] = result.value;
      else errors[`${i}:${column.name}`] = result.error;
    }
    return converted;
  });
  return { rows: out, errors };
}

const TYPE_WORD = /^(int|float|str|bool|list|dict|tuple|any|NoneType|Enum:.+|Literal:.+|\[.*\]|Optional\[.+\]|Union\[.+\])$/;

function isTypesRow(cells: readonly string[]): boolean {
  const filled = cells.map((c) => c.trim()).filter(Boolean);
  return filled.length > 0 && filled.every((c) => TYPE_WORD.test(c) && parseTypeDescriptor(c).alternatives.every((a) => a.kind !== 'other'));
}

export interface CsvImport {
  rows: TextRow[];
  /** Problems to show before accepting: unknown or missing columns. */
  problems: string[];
}

/**
 * An IvoryOS config CSV (header, an optional types row, data) as text rows for the grid. Unknown
 * columns are reported and left out; missing ones stay empty (and show as cell errors).
 */
export function importCsv(text: string, columns: readonly ParamColumn[]): CsvImport {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const [header = [], ...body] = parsed.data;
  const names = header.map((h) => h.trim());
  const known = new Set(columns.map((c) => c.name));
  const problems = parsed.errors.map((e) => `row ${(e.row ?? 0) + 1}: ${e.message}`);
  const unknown = names.filter((n) => n && !known.has(n));
  if (unknown.length) problems.push(`not parameters of this workflow, left out: ${unknown.join(', ')}`);
  const missing = columns.filter((c) => !names.includes(c.name)).map((c) => c.name);
  if (missing.length) problems.push(`missing columns: ${missing.join(', ')}`);
  const data = body.length && isTypesRow(body[0]) ? body.slice(1) : body;
  const rows = data.map((cells) => {
    const row = emptyRow(columns);
    names.forEach((name, i) => {
      if (known.has(name)) row[name] = (cells[i] ?? '').trim();
    });
    return row;
  });
  return { rows, problems };
}

/** A block pasted from a spreadsheet (tab-separated lines) into the grid at (row, column). */
export function pasteBlock(rows: readonly TextRow[], columns: readonly ParamColumn[], atRow: number, atColumn: number, text: string): TextRow[] {
  const lines = text.replace(/\r/g, '').replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
  const next = rows.map((r) => ({ ...r }));
  lines.forEach((cells, i) => {
    const r = atRow + i;
    while (next.length <= r) next.push(emptyRow(columns));
    cells.forEach((cell, j) => {
      const column = columns[atColumn + j];
      if (column) next[r][column.name] = cell.trim();
    });
  });
  return next;
}

/** The grid as CSV (header + data), for download. */
export function toCsv(rows: readonly TextRow[], columns: readonly ParamColumn[]): string {
  return Papa.unparse({ fields: columns.map((c) => c.name), data: rows.map((r) => columns.map((c) => r[c.name] ?? '')) });
}
