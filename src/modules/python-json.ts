/**
 * Python's json.dumps with its defaults, which Ansible's copy uses for a `content:` given as a
 * mapping or a list: ", " and ": " separators, non-ASCII as \uXXXX, keys in the given order.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value instanceof Date) return asciiString(value.toISOString());
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${asciiString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  return asciiString(String(value));
}

function asciiString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
