import { Checkbox, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { ObjectiveDraft, OptimizerDraft, ParamDraft } from '../lib/optimizer-form';

interface Props {
  draft: OptimizerDraft;
  onChange: (draft: OptimizerDraft) => void;
  /** Problems by the gateway's field paths (`optimizer.parameters.temp.max`). */
  errors: Record<string, string>;
}

const KINDS = [
  { value: 'range', label: 'a range' },
  { value: 'choices', label: 'one of' },
  { value: 'fixed', label: 'fixed at' },
];
const DIRECTIONS = [
  { value: 'max', label: 'maximise' },
  { value: 'min', label: 'minimise' },
  { value: 'none', label: 'only record' },
];

/** The Optimize tab: what each run parameter may be, which outputs to optimise, and how many trials. */
export function OptimizerForm({ draft, onChange, errors }: Props) {
  const setParam = (name: string, patch: Partial<ParamDraft>) => onChange({ ...draft, parameters: { ...draft.parameters, [name]: { ...draft.parameters[name], ...patch } } });
  const setObjective = (name: string, patch: Partial<ObjectiveDraft>) => onChange({ ...draft, objectives: { ...draft.objectives, [name]: { ...draft.objectives[name], ...patch } } });
  const chosen = Object.entries(draft.objectives).filter(([, o]) => o.direction !== 'none').map(([n]) => n);
  const at = (name: string, field: string) => errors[`optimizer.parameters.${name}.${field}`] ?? (field === 'min' ? errors[`optimizer.parameters.${name}`] : undefined);
  return (
    <Stack>
      <Text size="sm">
        Each trial runs the script once with values the optimizer picks (a space-filling design first, then a Gaussian-process model); prep runs once before, cleanup once after.
      </Text>
      <Title order={3} size="h5">
        Run parameters
      </Title>
      <Table withTableBorder aria-label="Parameter ranges">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Parameter</Table.Th>
            <Table.Th>May be</Table.Th>
            <Table.Th>Values</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(draft.parameters).map(([name, p]) => (
            <Table.Tr key={name}>
              <Table.Td ff="monospace">#{name}</Table.Td>
              <Table.Td>
                <Select aria-label={`${name}: kind`} data={KINDS} value={p.kind} allowDeselect={false} onChange={(k) => k && setParam(name, { kind: k as ParamDraft['kind'] })} w={130} />
              </Table.Td>
              <Table.Td>
                {p.kind === 'range' && (
                  <Group gap="xs" align="flex-start">
                    <TextInput aria-label={`${name}: lowest`} placeholder="lowest" value={p.min} error={at(name, 'min')} onChange={(e) => setParam(name, { min: e.currentTarget.value })} w={110} />
                    <TextInput aria-label={`${name}: highest`} placeholder="highest" value={p.max} error={at(name, 'max')} onChange={(e) => setParam(name, { max: e.currentTarget.value })} w={110} />
                    <TextInput aria-label={`${name}: step`} placeholder="step (any)" value={p.step} error={at(name, 'step')} onChange={(e) => setParam(name, { step: e.currentTarget.value })} w={110} />
                    <Checkbox label="log scale" checked={p.log} onChange={(e) => setParam(name, { log: e.currentTarget.checked })} mt={8} />
                  </Group>
                )}
                {p.kind === 'choices' && (
                  <TextInput aria-label={`${name}: choices`} placeholder="MeOH, EtOH, water" value={p.choices} error={at(name, 'choices')} onChange={(e) => setParam(name, { choices: e.currentTarget.value })} />
                )}
                {p.kind === 'fixed' && <TextInput aria-label={`${name}: value`} value={p.value} error={at(name, 'value')} onChange={(e) => setParam(name, { value: e.currentTarget.value })} w={160} />}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3} size="h5">
        Objectives
      </Title>
      {errors['optimizer.objectives'] && (
        <Text c="red" size="sm">
          {errors['optimizer.objectives']}
        </Text>
      )}
      <Table withTableBorder aria-label="Objectives">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Output</Table.Th>
            <Table.Th>Goal</Table.Th>
            <Table.Th>Stop once it reaches</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(draft.objectives).map(([name, o]) => (
            <Table.Tr key={name}>
              <Table.Td ff="monospace">{name}</Table.Td>
              <Table.Td>
                <Select aria-label={`${name}: goal`} data={DIRECTIONS} value={o.direction} allowDeselect={false} onChange={(d) => d && setObjective(name, { direction: d as ObjectiveDraft['direction'] })} w={150} />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={`${name}: stop threshold`}
                  placeholder="no threshold"
                  disabled={o.direction === 'none'}
                  value={o.threshold}
                  error={errors[`optimizer.objectives.${name}.threshold`] ?? errors[`optimizer.objectives[${chosen.indexOf(name)}].threshold`]}
                  onChange={(e) => setObjective(name, { threshold: e.currentTarget.value })}
                  w={160}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-start">
        <TextInput label="Trials" description="in all, the first design included" value={draft.budget} error={errors['optimizer.budget']} onChange={(e) => onChange({ ...draft, budget: e.currentTarget.value })} w={180} />
        <TextInput
          label="First design"
          description="space-filling trials before the model"
          placeholder="default"
          value={draft.initial}
          error={errors['optimizer.initial']}
          onChange={(e) => onChange({ ...draft, initial: e.currentTarget.value })}
          w={220}
        />
      </Group>
    </Stack>
  );
}
