/**
 * Ansible's tag selection: `--tags` runs tasks with a matching tag (or `always`); `--skip-tags`
 * skips matching ones; `never` runs only when asked by name; `tagged`/`untagged`/`all` work.
 */
export function isSelected(tags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  const has = (t: string): boolean => tags.includes(t);
  const matches = (list: readonly string[]): boolean =>
    list.some((t) => has(t) || t === 'all' || (t === 'tagged' && tags.length > 0) || (t === 'untagged' && tags.length === 0));
  if (skip.length > 0 && skip.some((t) => has(t) || (t === 'tagged' && tags.length > 0) || (t === 'untagged' && tags.length === 0))) return false;
  if (has('never') && !only.some((t) => t !== 'all' && has(t))) return false;
  if (only.length === 0 || has('always')) return true;
  return matches(only);
}
