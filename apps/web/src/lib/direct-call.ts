import { modals } from '@mantine/modals';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { JsonValue } from '@ivoryos/contracts';
import { errorText, fetchClient, fieldErrors, type Schemas } from '../api/client';

export type CallOutcome =
  | { kind: 'result'; result: Schemas['CallResultResponse'] }
  | { kind: 'refused'; message: string; fields: Record<string, string> };

function askOverride(deck: string, label: string, message: string): Promise<boolean> {
  return new Promise((resolve) => {
    modals.openConfirmModal({
      title: `${deck} is busy`,
      children: `${message} Calling ${label} now could collide with the run.`,
      labels: { confirm: 'Run anyway', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}

/** A direct instrument call; a busy deck (409) asks before overriding, and the history refreshes. */
export function useDirectCall(deck: string, instrument: string, method: string) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<CallOutcome | undefined>();

  async function call(args: Record<string, JsonValue>, override = false): Promise<void> {
    setPending(true);
    try {
      const { data, error, response } = await fetchClient.POST('/api/decks/{deck}/instruments/{instrument}/{method}', {
        params: { path: { deck, instrument, method }, query: override ? { override: true } : {} },
        body: args as never,
      });
      if (data) {
        setOutcome({ kind: 'result', result: data });
      } else if (response.status === 409 && !override) {
        setPending(false);
        if (await askOverride(deck, `${instrument}.${method}`, errorText(error))) return call(args, true);
        setOutcome({ kind: 'refused', message: 'Not called: the deck is busy.', fields: {} });
      } else {
        const message =
          response.status === 503 ? `Deck offline: ${errorText(error)}`
          : response.status === 504 ? 'No answer in time; the call may still complete on the agent — check the history.'
          : errorText(error);
        setOutcome({ kind: 'refused', message, fields: fieldErrors(error) });
      }
    } finally {
      setPending(false);
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/control-steps'] });
    }
  }
  return { call, pending, outcome };
}
