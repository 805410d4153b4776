import type { Inventory } from './model.js';

/**
 * Ansible host patterns: `all`, `*`, `a:b`, `a,b` (union), `a:&b` (intersection), `a:!b`
 * (exclusion), wildcards (`web*`), `~regex`, and host names. Unions are applied first, then
 * intersections, then exclusions; the result keeps inventory order.
 */
export function selectHosts(inventory: Inventory, pattern: string | readonly string[]): string[] {
  const terms = (Array.isArray(pattern) ? pattern : [pattern])
    .flatMap((p: string) => splitPattern(p))
    .filter((t) => t.length > 0);
  const include = new Set<string>();
  const intersections: Set<string>[] = [];
  const exclude = new Set<string>();
  for (const term of terms) {
    if (term.startsWith('!')) for (const h of matchTerm(inventory, term.slice(1))) exclude.add(h);
    else if (term.startsWith('&')) intersections.push(new Set(matchTerm(inventory, term.slice(1))));
    else for (const h of matchTerm(inventory, term)) include.add(h);
  }
  // A pattern made only of intersections/exclusions starts from every host, as Ansible does.
  if (include.size === 0 && terms.every((t) => t.startsWith('!') || t.startsWith('&')) && terms.length > 0) {
    for (const h of inventory.hosts.keys()) include.add(h);
  }
  return [...inventory.hosts.keys()].filter(
    (h) => include.has(h) && intersections.every((s) => s.has(h)) && !exclude.has(h),
  );
}

/** Splits on `,` and on `:` (but a `~regex` term is kept whole up to the next comma). */
function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  for (const part of pattern.split(',')) {
    const trimmed = part.trim();
    if (trimmed.startsWith('~')) out.push(trimmed);
    else out.push(...trimmed.split(':').map((t) => t.trim()));
  }
  return out;
}

function matchTerm(inventory: Inventory, term: string): string[] {
  if (term === 'all' || term === '*') return [...inventory.hosts.keys()];
  if (inventory.groups.has(term)) return inventory.hostsOfGroup(term);
  if (inventory.hosts.has(term)) return [term];
  let regex: RegExp | undefined;
  if (term.startsWith('~')) regex = new RegExp(term.slice(1));
  else if (/[*?[]/.test(term)) regex = globToRegExp(term);
  if (!regex) return [];
  const found = new Set<string>();
  for (const group of inventory.groups.keys()) {
    if (regex.test(group)) for (const h of inventory.hostsOfGroup(group)) found.add(h);
  }
  for (const host of inventory.hosts.keys()) if (regex.test(host)) found.add(host);
  return [...found];
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

