import { Button, FileButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { errorText } from '../api/client';

/** Import an IvoryOS workflow JSON file (multipart field "file"), then open it. */
export function ImportWorkflowButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const upload = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', file);
      const res = await fetch('/api/workflows/import', { method: 'POST', body: form });
      const body = (await res.json()) as { name?: string };
      if (!res.ok || !body.name) {
        notifications.show({ color: 'red', title: `${file.name} was not imported`, message: errorText(body) });
        return;
      }
      notifications.show({ color: 'green', title: 'Imported', message: `${body.name} from ${file.name}` });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/workflows'] });
      await navigate({ to: '/library', search: { q: body.name } });
    } finally {
      setBusy(false);
    }
  };
  return (
    <FileButton onChange={(f) => void upload(f)} accept="application/json,.json">
      {(props) => (
        <Button variant="default" loading={busy} {...props}>
          Import IvoryOS JSON
        </Button>
      )}
    </FileButton>
  );
}
