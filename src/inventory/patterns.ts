import { ConfigError, type SourcePosition } from '../errors.js';
import type { Inventory } from './model.js';
import { LOCALHOST_NAMES } from './implicit-localhost.js';
import { nameMatcher } from './pattern-match.js';
import { splitHostPattern } from './pattern-split.js';

/**
 * Ansible host patterns: `all`, `*`, `a:b`, `a,b` (union), `a:&b` (intersection), `a:!b`
 * (exclusion), fnmatch globs (`web*`, `db[0-3]`), `~regex`, subscripts (`web[0]`, `web[-1]`,
 * `web[1:3]`, `web[2:]`) and host names, as Ansible's InventoryManager reads them. Unions are
 * applied first, then intersections, then exclusions; hosts come in the order the pattern
 * matched them (a group's in its order), which is the order a play runs them in.
 *
 * `origin` names where the pattern was written, for errors: a position (a play's `hosts`) or an
 * option (`--limit`). A pattern that cannot be read, or a subscript past the end of its hosts, is
 * a ConfigError.
 */
export function selectHosts(inventory: Inventory, pattern: string | readonly string[], origin?: SourcePosition | string): string[] {
  const text = Array.isArray(pattern) ? pattern.join(',') : (pattern as string);
  const fail = (reason: string): never => {
    if (typeof origin === 'string') throw new ConfigError(`${origin} '${text}': ${reason}`);
    throw new ConfigError(`host pattern '${text}': ${reason}`, origin);
  };
  let terms: string[];
  try {
    terms = (Array.isArray(pattern) ? pattern : [pattern]).flatMap((p: string) => splitHostPattern(p));
  } catch (err) {
    return fail((err as Error).message);
  }
  const regular = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const ordered = [...(regular.length > 0 ? regular : ['all']), ...terms.filter((t) => t.startsWith('&')), ...terms.filter((t) => t.startsWith('!'))];
  // As InventoryManager._evaluate_patterns: unions append in the order matched, & and ! filter.
  let selected: string[] = [];
  for (const term of ordered) {
    let matched: string[];
    try {
      matched = inventory.hosts.has(term) ? [term] : matchTerm(inventory, term.replace(/^[&!]/, ''));
      // As InventoryManager._match_one_pattern: localhost matching nothing is the implicit localhost.
      const bare = term.replace(/^[&!]/, '');
      if (matched.length === 0 && LOCALHOST_NAMES.has(bare)) matched = [bare];
    } catch (err) {
      return fail((err as Error).message);
    }
    if (term.startsWith('!')) {
      const drop = new Set(matched);
      selected = selected.filter((h) => !drop.has(h));
    } else if (term.startsWith('&')) {
      const keep = new Set(matched);
      selected = selected.filter((h) => keep.has(h));
    } else {
      const have = new Set(selected);
      for (const h of matched) if (!have.has(h)) selected.push(h);
    }
  }
  return selected;
}

/** `(.+)[n]`, `(.+)[n:m]`, `(.+)[n:]` (and the old `[n-m]`), as Ansible's PATTERN_WITH_SUBSCRIPT. */
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

function matchTerm(inventory: Inventory, term: string): string[] {
  const m = term.startsWith('~') ? null : SUBSCRIPT.exec(term);
  const hosts = enumerate(inventory, m ? (m[1] ?? '') : term);
  if (!m || hosts.length === 0) return hosts;
  const [, , index, start, , end] = m;
  if (index !== undefined) {
    const i = Number(index);
    const host = hosts[i < 0 ? hosts.length + i : i];
    if (host === undefined) throw pastTheEnd(index, hosts.length);
    return [host];
  }
  const from = Number(start);
  // Ansible: an empty or zero end means "to the last host" and "just the start" respectively.
  const to = end === '' ? hosts.length - 1 : Number(end);
  if (to === 0) {
    const host = hosts[from];
    if (host === undefined) throw pastTheEnd(start, hosts.length);
    return [host];
  }
  return hosts.slice(from, to + 1);
}

/** Ansible: "No hosts matched the subscripted pattern". */
function pastTheEnd(index: string | undefined, count: number): Error {
  return new Error(`no host matches subscript [${index}]: the pattern before it matches ${count} host${count === 1 ? '' : 's'}`);
}

/** Hosts of every group whose name matches, then (for globs, regexes or no group) matching host names. */
function enumerate(inventory: Inventory, term: string): string[] {
  if (term === 'all') return inventory.hostsOfGroupInGroupOrder('all');
  const matches = nameMatcher(term);
  const found = new Set<string>();
  let groupMatched = false;
  for (const group of inventory.groups.keys()) {
    if (!matches(group)) continue;
    groupMatched = true;
    for (const h of inventory.hostsOfGroupInGroupOrder(group)) found.add(h);
  }
  if (!groupMatched || term.startsWith('~') || /[.?*[]/.test(term)) {
    for (const host of inventory.hosts.keys()) if (matches(host)) found.add(host);
  }
  return [...found];
}

/**
 * The terms of a pattern that match no group and no host at all (`&`/`!` and a subscript taken
 * off), which ansible-core warns about: "Could not match supplied host pattern, ignoring: …".
 */
export function unmatchedTerms(inventory: Inventory, pattern: string): string[] {
  const out: string[] = [];
  for (const raw of splitHostPattern(pattern)) {
    const term = raw.replace(/^[&!]/, '');
    if (term === 'all' || inventory.hosts.has(term) || LOCALHOST_NAMES.has(term)) continue;
    const expr = term.startsWith('~') ? term : (SUBSCRIPT.exec(term)?.[1] ?? term);
    if (enumerate(inventory, expr).length === 0 && !out.includes(expr)) out.push(expr);
  }
  return out;
}
