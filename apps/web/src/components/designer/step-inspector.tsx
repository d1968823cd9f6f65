import { Button, Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import type { ActionSchema, JsonValue, WorkflowAction } from '@ivoryos/contracts';
import { isFlowStep, lineNumbers, treeRows, type FlowStep } from '../../lib/designer-tree';
import { typeHint } from '../../lib/schema-form';

interface Props {
  actions: WorkflowAction[];
  index: number;
  schema: ActionSchema | undefined;
  /** Problems of this step, by field (`args.amount`, `return`). */
  problems: Record<string, string>;
  readOnly: boolean;
  onChange: (action: WorkflowAction) => void;
  onMove: (direction: -1 | 1) => void;
  onDelete: () => void;
}

/** A field's text as the workflow stores it: numbers and booleans typed, `#param`, variables and expressions as text. */
export function parseArg(text: string, type: unknown): JsonValue {
  const t = text.trim();
  const kinds = (Array.isArray(type) ? type : [type]).map(String);
  if ((kinds.includes('int') || kinds.includes('float')) && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
  if (kinds.includes('bool') && (t === 'true' || t === 'false')) return t === 'true';
  return text;
}

function argText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const STATEMENT_WORDS: Record<FlowStep, { label: string; description: string }> = {
  wait: { label: 'seconds', description: 'how long to wait: a number, #parameter or variable' },
  pause: { label: 'message', description: 'what the operator reads; the run waits until they continue' },
  comment: { label: 'text', description: 'a note; the run logs it' },
  input: { label: 'question', description: 'what the operator is asked; the run waits for the answer' },
  variable: { label: 'value', description: 'a value, #parameter or variable' },
  math_variable: { label: 'expression', description: 'e.g. #temp * 2 + offset' },
};
const NAMED = new Set<FlowStep>(['input', 'variable', 'math_variable']);
const VARIABLE_TYPES = ['int', 'float', 'str', 'bool'];

/** The fields of a flow step: its statement, and for inputs and variables the name and type. */
function FlowFields({ action, kind, problems, readOnly, onChange }: { action: WorkflowAction; kind: FlowStep; problems: Record<string, string>; readOnly: boolean; onChange: (a: WorkflowAction) => void }) {
  const args = (action.args ?? {}) as Record<string, JsonValue>;
  const type = typeof action.arg_types?.statement === 'string' ? action.arg_types.statement : kind === 'wait' ? 'float' : 'str';
  const words = STATEMENT_WORDS[kind];
  return (
    <>
      {NAMED.has(kind) && (
        <TextInput
          label={kind === 'input' ? 'save the answer as' : 'name'}
          description="a variable name later steps can use"
          value={action.action}
          error={problems.action}
          readOnly={readOnly}
          onChange={(e) => onChange({ ...action, action: e.currentTarget.value })}
        />
      )}
      {NAMED.has(kind) && (
        <Select
          label="type"
          data={VARIABLE_TYPES}
          value={type}
          allowDeselect={false}
          readOnly={readOnly}
          error={problems['arg_types.statement']}
          onChange={(t) => t && onChange({ ...action, arg_types: { ...action.arg_types, statement: t } })}
        />
      )}
      <TextInput
        label={words.label}
        description={words.description}
        value={argText(args.statement)}
        error={problems['args.statement']}
        readOnly={readOnly}
        onChange={(e) => onChange({ ...action, args: { ...args, statement: parseArg(e.currentTarget.value, kind === 'input' || kind === 'math_variable' ? 'str' : type) } })}
      />
    </>
  );
}

/** Edits the selected step: its arguments (a value, a #parameter, a variable or an expression), what it saves. */
export function StepInspector({ actions, index, schema, problems, readOnly, onChange, onMove, onDelete }: Props) {
  const action = actions[index];
  if (!action) return <Text>Select a step to edit it.</Text>;
  const row = treeRows(actions)[index];
  const args = action.args && typeof action.args === 'object' && !Array.isArray(action.args) ? (action.args as Record<string, JsonValue>) : {};
  const setArg = (name: string, text: string, type: unknown) => onChange({ ...action, args: { ...args, [name]: parseArg(text, type) } });
  const isMarker = row.kind !== 'leaf';
  const fields: { name: string; type: unknown; doc?: string; required?: boolean }[] = schema
    ? schema.params.map((p) => ({ name: p.name, type: p.type, doc: p.doc, required: p.required }))
    : row.kind === 'open'
      ? [{ name: 'statement', type: action.arg_types?.statement ?? 'str', doc: action.instrument === 'repeat' ? 'how many times' : 'condition' }]
      : Object.keys(args).map((name) => ({ name, type: action.arg_types?.[name] ?? 'any' }));
  return (
    <Stack gap="xs" component="section" aria-label="Selected step">
      <Title order={3} size="h5" ff="monospace">
        {lineNumbers(actions)[index] ?? action.id}. {isFlowStep(action.instrument) || row.kind !== 'leaf' ? action.instrument : `${action.instrument}.${action.action}`}
      </Title>
      {!readOnly && (
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => onMove(-1)} disabled={row.kind === 'middle' || row.kind === 'close'}>
            Move up
          </Button>
          <Button size="xs" variant="default" onClick={() => onMove(1)} disabled={row.kind === 'middle' || row.kind === 'close'}>
            Move down
          </Button>
          <Button size="xs" variant="default" color="red" onClick={onDelete} disabled={row.kind === 'middle' || row.kind === 'close'}>
            {row.kind === 'open' ? 'Delete block' : 'Delete step'}
          </Button>
        </Group>
      )}
      {(row.kind === 'middle' || row.kind === 'close') && <Text size="sm">Part of a block: select the block's first line to move or delete it.</Text>}
      {isFlowStep(action.instrument) && <FlowFields action={action} kind={action.instrument} problems={problems} readOnly={readOnly} onChange={onChange} />}
      {!(row.kind === 'middle' || row.kind === 'close') &&
        !isFlowStep(action.instrument) &&
        fields.map((f) => (
          <TextInput
            key={f.name}
            label={f.name}
            description={[schema ? typeHint({ type: f.type as never, required: f.required ?? true }) : undefined, f.doc, 'a value, #parameter or variable'].filter(Boolean).join(' · ')}
            value={argText(args[f.name])}
            error={problems[`args.${f.name}`]}
            readOnly={readOnly}
            onChange={(e) => setArg(f.name, e.currentTarget.value, f.type)}
          />
        ))}
      {!isMarker && !isFlowStep(action.instrument) && (
        <TextInput
          label="Save result as"
          description="variable name for the return value (comma-separated for a tuple)"
          value={Array.isArray(action.return) ? action.return.join(', ') : (action.return ?? '')}
          error={problems.return}
          readOnly={readOnly}
          onChange={(e) => {
            const parts = e.currentTarget.value.split(',').map((s) => s.trim());
            onChange({ ...action, return: parts.length > 1 ? parts : (parts[0] ?? '') });
          }}
        />
      )}
      {!isMarker && !readOnly && <Switch label="Disabled (skipped when the workflow runs)" checked={!!action.disabled} onChange={(e) => onChange({ ...action, disabled: e.currentTarget.checked })} />}
      {Object.entries(problems)
        .filter(([field]) => !field.startsWith('args.') && field !== 'return')
        .map(([field, message]) => (
          <Text key={field} c="red" size="sm">
            {field}: {message}
          </Text>
        ))}
    </Stack>
  );
}
