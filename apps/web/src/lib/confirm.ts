import { modals } from '@mantine/modals';
import type { ReactNode } from 'react';

/** A promise-based confirmation dialog (never the browser's confirm()). */
export function confirmDialog(title: string, children: ReactNode, confirm: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    modals.openConfirmModal({
      title,
      children,
      labels: { confirm, cancel: 'Cancel' },
      confirmProps: danger ? { color: 'red' } : {},
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}
