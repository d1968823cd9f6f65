import { Badge, Box, Text } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import type { WorkflowAction } from '@ivoryos/contracts';
import { rowLabel, treeRows } from '../../lib/designer-tree';

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

/**
 * One phase's steps as a tree: blocks (if/else, while, repeat) indent what they hold. ↑/↓ select,
 * Alt+↑/↓ move the step or its whole block, Delete removes it.
 */
export function StepTree({ label, actions, selected, problems, onSelect, onMove, onDelete }: Props) {
  const rows = treeRows(actions);
  const keyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const direction = e.key === 'ArrowUp' ? -1 : 1;
      if (e.altKey && onMove) onMove(selected, direction);
      else onSelect(Math.min(actions.length - 1, Math.max(0, selected + direction)));
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
        const count = problems.get(action.id) ?? 0;
        const isSelected = row.index === selected;
        return (
          <Box
            key={`${row.index}-${String(action.uuid)}-${action.action}`}
            id={`step-row-${row.index}`}
            role="treeitem"
            aria-level={row.depth + 1}
            aria-expanded={row.kind === 'open' ? true : undefined}
            aria-selected={isSelected}
            onClick={() => onSelect(row.index)}
            py={6}
            px="sm"
            ml={row.depth * 28}
            style={{
              cursor: 'pointer',
              borderLeft: row.depth > 0 ? '3px solid var(--mantine-color-blue-5)' : '3px solid transparent',
              background: isSelected ? 'var(--mantine-color-blue-light)' : undefined,
              outline: isSelected ? '2px solid var(--mantine-color-blue-filled)' : undefined,
              fontFamily: 'var(--mantine-font-family-monospace)',
              fontWeight: row.kind === 'leaf' ? 400 : 700,
              opacity: action.disabled ? 0.6 : 1,
            }}
          >
            <Text span size="sm" c="dimmed" mr="xs">
              {action.id}
            </Text>
            {rowLabel(action)}
            {action.disabled && <Text span size="sm"> (disabled)</Text>}
            {count > 0 && (
              <Badge ml="sm" color="red" variant="filled">
                {count} {count === 1 ? 'problem' : 'problems'}
              </Badge>
            )}
          </Box>
        );
      })}
    </div>
  );
}
