import { Badge } from '@mantine/core';

const RUN_COLOURS: Record<string, string> = {
  queued: 'gray', running: 'blue', paused: 'orange', waiting: 'orange', completed: 'green', failed: 'red', stopped: 'gray', cancelled: 'gray',
  idle: 'green', busy: 'blue', offline: 'red', pending: 'gray', skipped: 'gray', interrupted: 'red',
};

/** Colour and word together: never colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={RUN_COLOURS[status] ?? 'gray'} variant="dot" radius="sm" tt="none" style={{ overflow: 'visible', flexShrink: 0, maxWidth: 'none' }} styles={{ label: { overflow: 'visible' } }}>
      {status}
    </Badge>
  );
}
