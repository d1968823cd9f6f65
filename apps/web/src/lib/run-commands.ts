import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { JsonValue } from '@ivoryos/contracts';
import { errorText, fetchClient } from '../api/client';

export type StopChoice = { when: 'after-iteration' | 'now'; cleanup?: boolean; continueQueue?: boolean };

/** Run controls; the API's refusal (409: already answered, wrong state) is shown with its message. */
export function useRunCommands(runId: string) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | undefined>();
  const path = { params: { path: { id: runId } } };

  async function send(label: string, request: () => Promise<{ error?: unknown; response: Response }>): Promise<boolean> {
    setBusy(label);
    try {
      const { error } = await request();
      if (error) {
        notifications.show({ color: 'red', title: `${label} was refused`, message: errorText(error) });
        return false;
      }
      return true;
    } finally {
      setBusy(undefined);
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/runs/{id}'] });
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/attention'] });
    }
  }

  return {
    busy,
    pause: () => send('Pause', () => fetchClient.POST('/api/runs/{id}/pause', path)),
    resume: (promptId?: string) => send('Resume', () => fetchClient.POST('/api/runs/{id}/resume', { ...path, body: { promptId } })),
    retry: (promptId?: string) => send('Retry step', () => fetchClient.POST('/api/runs/{id}/retry', { ...path, body: { promptId } })),
    skip: (promptId?: string) => send('Skip step', () => fetchClient.POST('/api/runs/{id}/skip', { ...path, body: { promptId } })),
    stop: (choice: StopChoice) => send('Stop', () => fetchClient.POST('/api/runs/{id}/stop', { ...path, body: choice })),
    input: (value: JsonValue, promptId?: string) =>
      send('Submit', () => fetchClient.POST('/api/runs/{id}/input', { ...path, body: { value: value as never, promptId } })),
    cancel: () => send('Cancel run', () => fetchClient.POST('/api/runs/{id}/cancel', path)),
  };
}
