import { Button, Card, Group, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ActionSchema } from '@ivoryos/contracts';
import { useDirectCall } from '../lib/direct-call';
import { collectArgs, initialValue, type FieldValue } from '../lib/schema-form';
import { CallOutcomeView } from './call-outcome';
import { SchemaForm } from './schema-form';

interface Props {
  deck: string;
  instrument: string;
  name: string;
  getter?: ActionSchema;
  setter?: ActionSchema;
  canOperate: boolean;
  online: boolean;
}

/** A property of an instrument: "Read" calls its getter, "Set" its setter with a typed value. */
export function PropertyCard({ deck, instrument, name, getter, setter, canOperate, online }: Props) {
  const read = useDirectCall(deck, instrument, getter?.name ?? name);
  const write = useDirectCall(deck, instrument, setter?.name ?? `${name}_(setter)`);
  const [values, setValues] = useState<Record<string, FieldValue>>(() => Object.fromEntries((setter?.params ?? []).map((p) => [p.name, initialValue(p)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = () => {
    if (!setter) return;
    const { args, errors: found } = collectArgs(setter, values);
    setErrors(found);
    if (Object.keys(found).length === 0) void write.call(args);
  };
  return (
    <Card withBorder component="form" aria-label={`${instrument}.${name} (property)`} onSubmit={(e) => e.preventDefault()} noValidate>
      <Title order={3} size="h5" ff="monospace" mb={4}>
        {name} <Text span size="xs" c="dimmed">property</Text>
      </Title>
      {(getter?.doc ?? setter?.doc) && <Text size="sm" mb="xs">{getter?.doc ?? setter?.doc}</Text>}
      {getter && canOperate && (
        <Group mb="xs">
          <Button variant="light" onClick={() => void read.call({})} loading={read.pending} disabled={!online}>
            Read
          </Button>
        </Group>
      )}
      {getter && <CallOutcomeView outcome={read.outcome} label={`${name}`} />}
      {setter && (
        <>
          <SchemaForm
            idPrefix={`${instrument}-${name}-set`.replace(/[^\w-]/g, '_')}
            params={setter.params}
            values={values}
            errors={errors}
            onChange={(n, v) => setValues((old) => ({ ...old, [n]: v }))}
          />
          {canOperate && (
            <Group mt="xs">
              <Button variant="light" onClick={set} loading={write.pending} disabled={!online}>
                Set
              </Button>
            </Group>
          )}
          <CallOutcomeView outcome={write.outcome} label={`set ${name}`} />
        </>
      )}
    </Card>
  );
}
