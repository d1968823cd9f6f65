import { Button, Group, NumberInput, Switch, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { JsonValue } from '@ivoryos/contracts';
import { convertValue } from '@ivoryos/workflow';

interface Props {
  inputType?: string;
  message: string;
  onSubmit: (value: JsonValue) => void;
  busy: boolean;
}

/** The answer to an input step, typed as the step declares (the gateway converts it again). */
export function InputPrompt({ inputType, message, onSubmit, busy }: Props) {
  const type = inputType ?? 'str';
  const numeric = type === 'int' || type === 'float';
  const [value, setValue] = useState<string | number | boolean>(type === 'bool' ? false : '');
  const [error, setError] = useState('');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const result = convertValue(value as JsonValue, type);
    if (!result.ok) return setError(result.error);
    setError('');
    onSubmit(result.value);
  };
  return (
    <form onSubmit={submit} aria-label="Answer the input step">
      <Group align="flex-end">
        {type === 'bool' ? (
          <Switch label={message} checked={value === true} onChange={(e) => setValue(e.currentTarget.checked)} />
        ) : numeric ? (
          <NumberInput label={message} description={type} allowDecimal={type === 'float'} value={value as number | string} onChange={setValue} error={error} data-autofocus />
        ) : (
          <TextInput label={message} description={type} value={String(value)} onChange={(e) => setValue(e.currentTarget.value)} error={error} data-autofocus />
        )}
        <Button type="submit" loading={busy}>
          Submit
        </Button>
      </Group>
    </form>
  );
}
