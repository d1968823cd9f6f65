import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { $api, fetchClient, loginHref, type Schemas } from '../api/client';

export interface Progress {
  iteration: number;
  total: number;
  step: number;
  steps: number;
}

export function runQuery(id: string) {
  return $api.queryOptions('get', '/api/runs/{id}', { params: { path: { id } } });
}

const FINAL = new Set(['completed', 'failed', 'stopped', 'cancelled']);

/**
 * Follows one run over Server-Sent Events (same origin, session cookie): the snapshot replaces the
 * cached run, later events refresh it (at most every 150 ms, or every second for a run of over 1,000 steps, so a fast run does not refetch per
 * step), progress is kept as it arrives. EventSource resumes by itself with Last-Event-ID; when it
 * gives up for good (a non-200, e.g. an expired session) we check the session and reopen.
 */
export function useRunStream(runId: string): { progress: Progress | undefined; live: boolean; logVersion: number } {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<Progress | undefined>();
  const [live, setLive] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    let source: EventSource | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const key = runQuery(runId).queryKey;
    // Each refresh reloads the whole run: a big one (thousands of steps) every second at most, so
    // parsing and drawing it does not take the page's whole time while it streams.
    const stepsNow = () => (queryClient.getQueryData(key) as Schemas['RunResponse'] | undefined)?.phases.reduce((n, p) => n + p.steps.length, 0) ?? 0;
    const refresh = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        void queryClient.invalidateQueries({ queryKey: key });
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/runs/{id}/results'] });
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/runs/{id}/trials'] });
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/attention'] });
      }, stepsNow() > 1_000 ? 1_000 : 150);
    };
    const open = () => {
      source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
      source.onopen = () => setLive(true);
      source.addEventListener('snapshot', (e) => {
        const run = JSON.parse((e as MessageEvent<string>).data) as Schemas['RunResponse'];
        queryClient.setQueryData(key, run);
        if (FINAL.has(run.status)) setLive(false);
      });
      for (const name of ['status', 'prompt', 'step', 'phase', 'command']) source.addEventListener(name, refresh);
      source.addEventListener('log', () => setLogVersion((v) => v + 1));
      source.addEventListener('progress', (e) => {
        const p = JSON.parse((e as MessageEvent<string>).data) as Progress;
        setProgress({ iteration: p.iteration, total: p.total, step: p.step, steps: p.steps });
      });
      source.addEventListener('end', () => {
        closed = true;
        source?.close();
        setLive(false);
        refresh();
        setLogVersion((v) => v + 1);
      });
      source.onerror = () => {
        setLive(false);
        if (closed || source?.readyState !== EventSource.CLOSED) return;
        void fetchClient.GET('/api/me').then(({ response }) => {
          if (response.status === 401) window.location.assign(loginHref(window.location.pathname + window.location.search));
          else if (!closed) reopen = setTimeout(open, 5_000);
        });
      };
    };
    open();
    return () => {
      closed = true;
      source?.close();
      if (reopen) clearTimeout(reopen);
      if (timer.current) clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [runId, queryClient]);

  return { progress, live, logVersion };
}
