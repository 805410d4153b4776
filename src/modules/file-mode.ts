/**
 * File modes as Ansible reads them: an int from YAML 1.1 (0644 is 420) is that number; a string
 * is octal ("0644", "644") or symbolic ("u=rwx,g=rx,o=rx", "a+x").
 */
export function normalizeMode(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return `0${value.toString(8).padStart(3, '0')}`.slice(-4);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^0?[0-7]{3,4}$/.test(s)) return s.padStart(4, '0').slice(-4);
  if (/^([ugoa]*[-+=][rwxXst]*)(,[ugoa]*[-+=][rwxXst]*)*$/.test(s)) return s;
  return undefined;
}

/** Applies a normalised mode to the current one (symbolic modes need it), giving 4 octal digits. */
export function resolveMode(mode: string, current: number, isDirectory: boolean): string {
  if (/^[0-7]{4}$/.test(mode)) return mode;
  let result = current;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) continue;
    const who = m[1] || 'a';
    const op = m[2];
    const perms = m[3] ?? '';
    let bits = 0;
    const masks: Record<string, number> = { u: 0o700, g: 0o070, o: 0o007 };
    const targets = who.includes('a') ? ['u', 'g', 'o'] : [...who];
    for (const t of targets) {
      const shift = t === 'u' ? 6 : t === 'g' ? 3 : 0;
      if (perms.includes('r')) bits |= 4 << shift;
      if (perms.includes('w')) bits |= 2 << shift;
      if (perms.includes('x') || (perms.includes('X') && (isDirectory || (current & 0o111) !== 0))) bits |= 1 << shift;
      if (perms.includes('s') && t === 'u') bits |= 0o4000;
      if (perms.includes('s') && t === 'g') bits |= 0o2000;
      if (perms.includes('t')) bits |= 0o1000;
    }
    const span = targets.reduce((acc, t) => acc | (masks[t] ?? 0), 0);
    if (op === '+') result |= bits;
    else if (op === '-') result &= ~bits;
    else result = (result & ~span) | bits;
  }
  return (result & 0o7777).toString(8).padStart(4, '0');
}
