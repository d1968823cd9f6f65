/** Local date and time, to the second: what a chemist compares with the lab notebook. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function durationBetween(from: string | null | undefined, to: string | null | undefined): string {
  if (!from) return '—';
  const end = to ? new Date(to).getTime() : Date.now();
  return formatDuration(end - new Date(from).getTime());
}

/** A value as a chemist reads it: numbers as numbers, text as text, structures as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  // Six significant figures in tables (0.742175, not 0.7421752413313794); CSV downloads keep every digit.
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
