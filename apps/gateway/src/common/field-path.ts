/** `parameters` + 3 → `parameters[3]`, `rows[1]` + `temp` → `rows[1].temp`: how error paths name fields. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
