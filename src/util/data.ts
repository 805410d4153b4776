/** Plain-data helpers shared by inventories, playbooks and the engine. */
export type Vars = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** Ansible's `boolean()` filter: yes/no, true/false, on/off, 1/0, y/n. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['yes', 'y', 'true', 't', 'on', '1'].includes(v)) return true;
  if (['no', 'n', 'false', 'f', 'off', '0', ''].includes(v)) return false;
  return undefined;
}
