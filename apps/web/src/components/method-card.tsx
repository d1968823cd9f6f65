import { Badge, Button, Card, Group, Spoiler, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ActionSchema } from '@ivoryos/contracts';
import { useDirectCall } from '../lib/direct-call';
import { collectArgs, initialValue, type FieldValue } from '../lib/schema-form';
import { CallOutcomeView } from './call-outcome';
import { SchemaForm } from './schema-form';

interface Props {
  deck: string;
  instrument: string;
  action: ActionSchema;
  canOperate: boolean;
  online: boolean;
}

/** One method as a form generated from its parameters, with "Run <method>" and the answer inline. */
export function MethodCard({ deck, instrument, action, canOperate, online }: Props) {
  const [values, setValues] = useState<Record<string, FieldValue>>(() => Object.fromEntries(action.params.map((p) => [p.name, initialValue(p)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { call, pending, outcome } = useDirectCall(deck, instrument, action.name);
  const serverErrors = outcome?.kind === 'refused' ? outcome.fields : {};

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const { args, errors: found } = collectArgs(action, values);
    setErrors(found);
    if (Object.keys(found).length === 0) void call(args);
  };
  const id = `${instrument}-${action.name}`.replace(/[^\w-]/g, '_');
  return (
    <Card withBorder component="form" onSubmit={submit} aria-label={`${instrument}.${action.name}`} noValidate>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Title order={3} size="h5" ff="monospace">
          {action.name}
        </Title>
        {action.async && <Badge variant="outline" color="gray">async</Badge>}
      </Group>
      {action.doc && (
        <Spoiler maxHeight={44} showLabel="more" hideLabel="less" mb="xs">
          <Text size="sm">{action.doc}</Text>
        </Spoiler>
      )}
      {action.params.length > 0 && (
        <SchemaForm
          idPrefix={id}
          params={action.params}
          values={values}
          errors={{ ...serverErrors, ...errors }}
          onChange={(name, value) => {
            setValues((v) => ({ ...v, [name]: value }));
            setErrors(({ [name]: _gone, ...rest }) => rest);
          }}
        />
      )}
      {canOperate && (
        <Group mt="sm">
          <Button type="submit" loading={pending} disabled={!online} title={online ? undefined : `${deck} is offline`}>
            Run {action.name}
          </Button>
        </Group>
      )}
      <CallOutcomeView outcome={outcome} label={action.name} />
    </Card>
  );
}
