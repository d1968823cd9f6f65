import {
  DndContext,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Badge, Box, Text, UnstyledButton } from '@mantine/core';
import { useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import type { WorkflowAction } from '@ivoryos/contracts';
import { lineNumbers, moveUnitTo, nextSelectable, rowLabel, treeRows, type TreeRow } from '../../lib/designer-tree';

interface Props {
  label: string;
  actions: WorkflowAction[];
  selected: number;
  problems: Map<number, number>;
  onSelect: (index: number) => void;
  /** Alt+↑/↓ (and the Move buttons): the selected step or block, one place. */
  onMove?: (index: number, direction: -1 | 1) => void;
  onDelete?: (index: number) => void;
  /** A drag (pointer or keyboard) dropped the step or block at `from` over the row at `over`. */
  onDrop?: (from: number, over: number) => void;
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
function BlockEnd({ row, nodeRef, style }: { row: TreeRow; nodeRef?: (node: HTMLElement | null) => void; style?: CSSProperties }) {
  return (
    <div ref={nodeRef} aria-hidden style={{ display: 'flex', height: 12, ...style }}>
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
  nodeRef?: (node: HTMLElement | null) => void;
}

/** One line of the canvas: rails of the blocks around it, its number, and how it reads. */
export function StepRow({ row, action, line, problems, selected, onSelect, handle, style, nodeRef }: RowProps) {
  const marker = row.kind !== 'leaf';
  return (
    <Box
      ref={nodeRef}
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
 * The line whose top or bottom edge is nearest the dragged line's. The keyboard moves a line so its
 * top (up) or bottom (down) meets the next line's, and a thin block end would tie with the line itself
 * under closest-centre, so the arrow key would do nothing there.
 */
const closestEdge: CollisionDetection = ({ collisionRect, droppableRects, droppableContainers }) =>
  droppableContainers
    .flatMap((container) => {
      const r = droppableRects.get(container.id);
      if (!r) return [];
      const value = Math.min(Math.abs(r.top - collisionRect.top), Math.abs(r.bottom - (collisionRect.top + collisionRect.height)));
      return [{ id: container.id, data: { droppableContainer: container, value } }];
    })
    .sort((a, b) => a.data.value - b.data.value);

const rowId = (index: number): UniqueIdentifier => `row-${index}`;
const indexOf = (id: UniqueIdentifier) => Number(String(id).slice(4));

/** A row that can be dragged by its handle (block ends and else only receive drops). */
function SortableRow(props: Omit<RowProps, 'handle' | 'style' | 'nodeRef'> & { describe: string; tabbable: boolean }) {
  const { row, describe, tabbable } = props;
  const movable = row.kind === 'leaf' || row.kind === 'open';
  const sortable = useSortable({ id: rowId(row.index), disabled: { draggable: !movable, droppable: false } });
  const style: CSSProperties = { transform: CSS.Translate.toString(sortable.transform), transition: sortable.transition, zIndex: sortable.isDragging ? 1 : undefined, position: 'relative' };
  if (row.kind === 'close') return <BlockEnd row={row} nodeRef={sortable.setNodeRef} style={style} />;
  const handle = movable ? (
    <UnstyledButton
      ref={sortable.setActivatorNodeRef}
      {...sortable.attributes}
      {...sortable.listeners}
      tabIndex={tabbable ? 0 : -1}
      aria-label={`Drag ${describe}`}
      aria-roledescription="drag handle"
      style={{ cursor: 'grab', padding: '0 2px', touchAction: 'none', color: 'var(--mantine-color-dimmed)' }}
    >
      ⠿
    </UnstyledButton>
  ) : (
    <span aria-hidden style={{ width: 14 }} />
  );
  return <StepRow {...props} handle={handle} style={style} nodeRef={sortable.setNodeRef} />;
}

/**
 * One phase's steps as a tree: blocks (if/else, while, repeat) indent what they hold behind a
 * coloured rail that ends in a corner where the block ends. ↑/↓ select, Alt+↑/↓ move the step or
 * its whole block, Delete removes it. When editable, each line has a drag handle (pointer, or
 * Space, arrows, Space from the keyboard); a block moves with everything in it.
 */
export function StepTree({ label, actions, selected, problems, onSelect, onMove, onDelete, onDrop }: Props) {
  const rows = treeRows(actions);
  const lines = lineNumbers(actions);
  const [dragging, setDragging] = useState<number | undefined>();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }), useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }));
  const keyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // a drag handle's keys belong to the drag
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

  const describe = (index: number) => `line ${lines[index] ?? ''}, ${rowLabel(actions[index])}`;
  // While a block is dragged its contents travel with it, so they are not drop targets.
  const block = dragging !== undefined && rows[dragging]?.kind === 'open' ? [dragging + 1, rows[dragging].end ?? dragging] : undefined;
  const visible = rows.filter((r) => !block || r.index < block[0] || r.index > block[1]);
  // Announced in the canvas's words: the line it would become, and the block it would be in.
  const where = (from: number, over: number) => {
    const moved = moveUnitTo(actions, from, over);
    const after = treeRows(moved.actions);
    const parent = after.findLast((r) => r.kind === 'open' && r.index < moved.index && (r.end ?? Infinity) > moved.index);
    if (!parent) return `to line ${lineNumbers(moved.actions)[moved.index]}, at the top level`;
    const inElse = after.some((r) => r.kind === 'middle' && r.index > parent.index && r.index < moved.index && r.depth === parent.depth);
    return `to line ${lineNumbers(moved.actions)[moved.index]}, inside ${inElse ? 'the else branch of ' : ''}${rowLabel(moved.actions[parent.index])}`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${describe(indexOf(active.id))}. Arrows move it, Space drops it, Escape cancels.`,
    // Over itself (as every drag starts) nothing changes, and "Picked up" stays the last word.
    onDragOver: ({ active, over }) => (!over ? 'Not over a line.' : over.id === active.id ? undefined : `It would move ${where(indexOf(active.id), indexOf(over.id))}.`),
    onDragEnd: ({ active, over }) => (over && over.id !== active.id ? `Moved ${describe(indexOf(active.id))} ${where(indexOf(active.id), indexOf(over.id))}.` : 'Dropped where it was.'),
    onDragCancel: ({ active }) => `Cancelled: ${describe(indexOf(active.id))} stays where it was.`,
  };
  const end = (e: DragEndEvent) => {
    setDragging(undefined);
    if (e.over && onDrop && e.over.id !== e.active.id) onDrop(indexOf(e.active.id), indexOf(e.over.id));
  };
  const tree = (
    <div role="tree" aria-label={label} tabIndex={0} onKeyDown={keyDown} aria-activedescendant={selected >= 0 ? `step-row-${selected}` : undefined}>
      {visible.map((row) => {
        const action = actions[row.index];
        const key = `${row.index}-${String(action.uuid)}-${action.action}`;
        const common = { row, action, line: lines[row.index], problems: problems.get(action.id) ?? 0, selected: row.index === selected, onSelect: () => onSelect(row.index) };
        if (onDrop) return <SortableRow key={key} {...common} describe={describe(row.index)} tabbable={row.index === selected} />;
        return row.kind === 'close' ? <BlockEnd key={key} row={row} /> : <StepRow key={key} {...common} />;
      })}
    </div>
  );
  if (!onDrop) return tree;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestEdge}
      measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
      accessibility={{ announcements, screenReaderInstructions: { draggable: 'To move this line, press Space, move it with the arrow keys, and press Space again to drop it or Escape to cancel.' } }}
      onDragStart={(e) => {
        setDragging(indexOf(e.active.id));
        onSelect(indexOf(e.active.id));
      }}
      onDragEnd={end}
      onDragCancel={() => setDragging(undefined)}
    >
      <SortableContext items={visible.map((r) => rowId(r.index))} strategy={verticalListSortingStrategy}>
        {tree}
      </SortableContext>
    </DndContext>
  );
}
