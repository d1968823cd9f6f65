import type { Choice, FieldError, JsonObject, JsonValue, ParameterRow, TypeDescriptor } from '@ivoryos/contracts';
import { parse } from 'csv-parse/sync';
import { convertValue, parseTypeDescriptor } from './convert';
import { readLiteral } from './literal';
import { setOwn } from './names';
import { isJsonObject } from './step-fields';

/** A parameter the rows must supply, as `validateWorkflow` reports it (plus enum/literal choices if known). */
export interface ParameterColumn {
  name: string;
  type: TypeDescriptor;
  choices?: Choice[];
}

export interface ConfigCsvOptions {
  /** The workflow's parameters: their types win over the file's types row, and every one needs a column. */
  parameters?: readonly ParameterColumn[];
}

export interface ConfigCsvResult {
  columns: string[];
  types: Record<string, TypeDescriptor>;
  rows: ParameterRow[];
  /** Paths: `columns`, `columns.<name>`, `rows[<i>]`, `rows[<i>].<name>` (i counts data rows from 0). */
  errors: FieldError[];
}

/** A types-row cell: `int`, `Enum:deck.X`, `['int', 'NoneType']`, `Optional[int]`. `null` if it is not one. */
function typeCell(cell: string): TypeDescriptor | null {
  const text = cell.trim();
  if (!text) return null;
  const literal = text.startsWith('[') ? readLiteral(text) : undefined;
  const descriptor: TypeDescriptor = Array.isArray(literal) && literal.every((t) => typeof t === 'string') ? (literal as string[]) : text;
  const parsed = parseTypeDescriptor(descriptor);
  const known = parsed.alternatives.every((a) => a.kind !== 'other');
  return known && (parsed.alternatives.length > 0 || parsed.optional) ? descriptor : null;
}

function convertRow(
  raw: Record<string, JsonValue>, index: number, columns: readonly ParameterColumn[], errors: FieldError[], strictKeys: boolean,
): ParameterRow {
  const row: ParameterRow = {};
  for (const column of columns) {
    const path = `rows[${index}].${column.name}`;
    if (!Object.hasOwn(raw, column.name)) {
      errors.push({ path, message: `Missing value for '${column.name}'` });
      continue;
    }
    const result = convertValue(raw[column.name], column.type, column.choices);
    if (result.ok) setOwn(row, column.name, result.value);
    else errors.push({ path, message: result.error });
  }
  if (strictKeys) {
    for (const key of Object.keys(raw)) {
      if (!columns.some((c) => c.name === key)) errors.push({ path: `rows[${index}].${key}`, message: `'${key}' is not a parameter of this workflow` });
    }
  }
  return row;
}

/**
 * Converts parameter rows sent as JSON or from the web table (text or typed values) to the parameters'
 * types. Every parameter needs a value in every row; unknown keys are errors.
 */
export function convertParameterRows(rows: readonly unknown[], parameters: readonly ParameterColumn[]): { rows: ParameterRow[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out = rows.map((raw, i) => {
    if (!isJsonObject(raw)) {
      errors.push({ path: `rows[${i}]`, message: 'A row must be an object of parameter: value' });
      return {};
    }
    return convertRow(raw, i, parameters, errors, true);
  });
  return { rows: out, errors };
}

/**
 * Reads an IvoryOS config CSV: a header row, an optional types row (every cell a type descriptor), then
 * data rows. Cells are converted by the workflow's parameter types when given, else by the types row, else
 * read as literals where they look like one.
 */
export function parseConfigCsv(text: string, options: ConfigCsvOptions = {}): ConfigCsvResult {
  const errors: FieldError[] = [];
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    return { columns: [], types: {}, rows: [], errors: [{ path: 'file', message: `Not a valid CSV file: ${(error as Error).message}` }] };
  }
  if (records.length === 0) return { columns: [], types: {}, rows: [], errors: [{ path: 'file', message: 'The file is empty' }] };

  const columns = records[0].map((c) => c.trim());
  columns.forEach((name, i) => {
    if (!name) errors.push({ path: 'columns', message: `Column ${i + 1} has no name` });
    else if (columns.indexOf(name) !== i) errors.push({ path: `columns.${name}`, message: `Column '${name}' appears more than once` });
  });
  const fileTypes = records.length > 1 ? records[1].map(typeCell) : [];
  const hasTypesRow = fileTypes.length === columns.length && fileTypes.every((t) => t !== null);
  const declared = new Map((options.parameters ?? []).map((p) => [p.name, p]));
  if (options.parameters) {
    for (const p of options.parameters) if (!columns.includes(p.name)) errors.push({ path: `columns.${p.name}`, message: `Missing column for parameter '${p.name}'` });
    for (const name of columns) if (name && !declared.has(name)) errors.push({ path: `columns.${name}`, message: `'${name}' is not a parameter of this workflow` });
  }
  const spec: ParameterColumn[] = columns.filter(Boolean).map((name) => {
    const known = declared.get(name);
    if (known) return known;
    const fromFile = hasTypesRow ? fileTypes[columns.indexOf(name)] : null;
    return { name, type: fromFile ?? 'any' };
  });
  const types: Record<string, TypeDescriptor> = {};
  for (const column of spec) setOwn(types, column.name, column.type);

  const rows = records.slice(hasTypesRow ? 2 : 1).map((cells, i) => {
    if (cells.length !== columns.length) errors.push({ path: `rows[${i}]`, message: `Expected ${columns.length} values, got ${cells.length}` });
    const raw: JsonObject = {};
    columns.forEach((name, c) => {
      if (name && c < cells.length) setOwn(raw, name, cells[c]);
    });
    return convertRow(raw, i, spec.filter((column) => Object.hasOwn(raw, column.name) || cells.length >= columns.length), errors, false);
  });
  return { columns, types, rows, errors };
}

/** IvoryOS's `check_config_duplicate`: true when two rows have the same values (a warning, not an error). */
export function hasDuplicateRows(rows: readonly ParameterRow[]): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
