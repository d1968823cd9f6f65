/** IVORYOS_DEMO_DECKS=ts,py (either or both); default: both when python3 is here, else the TypeScript one. */
export function demoDecks(text: string | undefined, python: boolean): { ts: boolean; py: boolean; unknown: string[] } {
  const items = (text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!items.length) return { ts: true, py: python, unknown: [] };
  return { ts: items.includes('ts'), py: items.includes('py'), unknown: items.filter((i) => i !== 'ts' && i !== 'py') };
}
