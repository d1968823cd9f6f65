import { NumberInput, Select, Stack, Switch, TextInput, Textarea } from '@mantine/core';
import type { ParamSchema } from '@ivoryos/contracts';
import { choicesOf, fieldKind, placeholderOf, typeHint, type FieldValue } from '../lib/schema-form';

interface Props {
  params: ParamSchema[];
  values: Record<string, FieldValue>;
  errors: Record<string, string>;
  onChange: (name: string, value: FieldValue) => void;
  /** Prefix for element ids, unique per form on the page. */
  idPrefix: string;
}

function description(param: ParamSchema): string {
  return [typeHint(param), param.doc].filter(Boolean).join(' · ');
}

/** One input per parameter, chosen from its declared type; defaults prefilled, docstrings as help. */
export function SchemaForm({ params, values, errors, onChange, idPrefix }: Props) {
  return (
    <Stack gap="xs">
      {params.map((param) => {
        const kind = fieldKind(param);
        const common = {
          id: `${idPrefix}-${param.name}`,
          label: param.name,
          description: description(param),
          error: errors[param.name],
          required: param.required,
          placeholder: placeholderOf(param) || undefined,
        };
        const value = values[param.name];
        switch (kind) {
          case 'int':
          case 'float':
            return (
              <NumberInput
                key={param.name}
                {...common}
                allowDecimal={kind === 'float'}
                value={typeof value === 'boolean' ? '' : value}
                onChange={(v) => onChange(param.name, v)}
              />
            );
          case 'bool':
            return (
              <Switch
                key={param.name}
                id={common.id}
                label={param.name}
                description={common.description}
                error={common.error}
                checked={value === true}
                onChange={(e) => onChange(param.name, e.currentTarget.checked)}
              />
            );
          case 'choice':
            return (
              <Select
                key={param.name}
                {...common}
                data={choicesOf(param).map((c) => ({ value: String(c.value), label: c.name === String(c.value) ? c.name : `${c.name} (${String(c.value)})` }))}
                value={value === '' ? null : String(value)}
                onChange={(v) => onChange(param.name, v ?? '')}
                clearable={!param.required}
                allowDeselect={!param.required}
              />
            );
          case 'json':
            return (
              <Textarea
                key={param.name}
                {...common}
                autosize
                minRows={1}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={String(value ?? '')}
                onChange={(e) => onChange(param.name, e.currentTarget.value)}
              />
            );
          default:
            return <TextInput key={param.name} {...common} value={String(value ?? '')} onChange={(e) => onChange(param.name, e.currentTarget.value)} />;
        }
      })}
    </Stack>
  );
}
