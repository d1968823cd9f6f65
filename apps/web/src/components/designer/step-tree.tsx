import { Badge, Box, Text } from '@mantine/core';
import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';
import type { WorkflowAction } from '@ivoryos/contracts';
import { lineNumbers, nextSelectable, rowLabel, treeRows, type TreeRow } from '../../lib/designer-tree';

interface Props {
  label: string;
  actions: WorkflowAction[];
  selected: number;
  problems: Map<number, number>;
  onSelect: (index: number) => void;
  /** Alt+↑/↓ (and the Move buttons): the selected step or block, one place. */
  onMove?: (index: number, direction: -1 | 1) => void;
  onDelete?: (index: number) => void;
}

const RAIL = 28;
/** Each kind of block keeps its colour on its rail, so nested blocks stay told apart. */
const RAIL_COLOURS: Record<string, string> = {
  if: 'var(--mantine-color-blue-6)',
  repeat: 'var(--mantine-color-teal-7)',
  while: 'var(--mantine-color-orange-7)',
};
const railColour = (block: string | undefined) => RAIL_COLOURS[block ?? ''] ?? 'var(--mantine-color-gray-6)';

/** The rails of the blocks around a row, one per level, drawn at the row's left. */
function Rails({ rails }: { rails: string[] }) {
  return (
    <>
      {rails.map((block, level) => (
        <span key={level} aria-hidden style={{ flex: `0 0 ${RAIL}px`, alignSelf: 'stretch', borderLeft: `3px solid ${railColour(block)}` }} />
      ))}
    </>
  );
}

/** A block's end: its rail turns the corner. Not a line of its own (and not a tree item). */
function BlockEnd({ row }: { row: TreeRow }) {
  return (
    <div aria-hidden style={{ display: 'flex', height: 12 }}>
      <Rails rails={row.rails} />
      <span
        style={{
          flex: '0 0 24px',
          borderLeft: `3px solid ${railColour(row.block)}`,
          borderBottom: `3px solid ${railColour(row.block)}`,
          borderBottomLeftRadius: 6,
        }}
      />
    </div>
  );
}

interface RowProps {
  row: TreeRow;
  action: WorkflowAction;
  line: number | undefined;
  problems: number;
  selected: boolean;
  onSelect: () => void;
  /** A drag handle, when the rows can be dragged. */
  handle?: ReactNode;
  style?: CSSProperties;
}

/** One line of the canvas: rails of the blocks around it, its number, and how it reads. */
export function StepRow({ row, action, line, problems, selected, onSelect, handle, style }: RowProps) {
  const marker = row.kind !== 'leaf';
  return (
    <Box
      id={`step-row-${row.index}`}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.kind === 'open' ? true : undefined}
      aria-selected={selected}
      onClick={onSelect}
      style={{
        display: 'flex',
        cursor: 'pointer',
        background: selected ? 'var(--mantine-color-blue-light)' : undefined,
        outline: selected ? '2px solid var(--mantine-color-blue-filled)' : undefined,
        outlineOffset: -2,
        fontFamily: 'var(--mantine-font-family-monospace)',
        opacity: action.disabled ? 0.6 : 1,
        ...style,
      }}
    >
      <Rails rails={row.rails} />
      <Box
        py={6}
        px="sm"
        style={{
          flex: 1,
          minWidth: 0,
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          fontWeight: marker ? 700 : 400,
          // A block's opener starts its rail; `else` sits on the rail as the second branch's header.
          borderLeft: marker ? `3px solid ${railColour(row.block)}` : '3px solid transparent',
          borderTopLeftRadius: row.kind === 'open' ? 6 : 0,
        }}
      >
        {handle}
        <Text span size="sm" c="dimmed" miw={18} ta="right">
          {line}
        </Text>
        <span style={{ overflowWrap: 'anywhere' }}>{rowLabel(action)}</span>
        {action.disabled && <Text span size="sm"> (disabled)</Text>}
        {problems > 0 && (
          <Badge color="red" variant="filled" style={{ flexShrink: 0 }}>
            {problems} {problems === 1 ? 'problem' : 'problems'}
          </Badge>
        )}
      </Box>
    </Box>
  );
}

/**
 * One phase's steps as a tree: blocks (if/else, while, repeat) indent what they hold behind a
 * coloured rail that ends in a corner where the block ends. ↑/↓ select, Alt+↑/↓ move the step or
 * its whole block, Delete removes it.
 */
export function StepTree({ label, actions, selected, problems, onSelect, onMove, onDelete }: Props) {
  const rows = treeRows(actions);
  const lines = lineNumbers(actions);
  const keyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const direction = e.key === 'ArrowUp' ? -1 : 1;
      if (e.altKey && onMove) onMove(selected, direction);
      else onSelect(selected < 0 ? 0 : nextSelectable(actions, selected, direction));
    } else if (e.key === 'Delete' && onDelete && selected >= 0) {
      e.preventDefault();
      onDelete(selected);
    }
  };
  if (actions.length === 0) return <Text>No steps in this phase yet: add one below.</Text>;
  return (
    <div role="tree" aria-label={label} tabIndex={0} onKeyDown={keyDown} aria-activedescendant={selected >= 0 ? `step-row-${selected}` : undefined}>
      {rows.map((row) => {
        const action = actions[row.index];
        const key = `${row.index}-${String(action.uuid)}-${action.action}`;
        if (row.kind === 'close') return <BlockEnd key={key} row={row} />;
        return (
          <StepRow
            key={key}
            row={row}
            action={action}
            line={lines[row.index]}
            problems={problems.get(action.id) ?? 0}
            selected={row.index === selected}
            onSelect={() => onSelect(row.index)}
          />
        );
      })}
    </div>
  );
}
