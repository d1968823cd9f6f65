/** Prompts this tab has set aside ("Decide later"), per promptId: a new prompt opens the dialog again. */
const KEY = 'ivoryos.decideLater';

function read(): string[] {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function isSetAside(promptId: string): boolean {
  return read().includes(promptId);
}

export function setAside(promptId: string): void {
  sessionStorage.setItem(KEY, JSON.stringify([...read().filter((p) => p !== promptId), promptId].slice(-50)));
}

export function bringBack(promptId: string): void {
  sessionStorage.setItem(KEY, JSON.stringify(read().filter((p) => p !== promptId)));
}
