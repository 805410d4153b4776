import { ConfigError, ConfigErrors } from '../errors.js';
import type { Inventory } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Playbook } from './model.js';

/**
 * Resolves every play's `hosts` against the inventory before the first connection, so a pattern
 * that cannot be read (a bad `~regex`, an unbalanced `[`, a subscript past the end) is found
 * with its file:line:col before any play runs, not when its play starts.
 */
export function validateHostPatterns(playbooks: readonly Playbook[], inventory: Inventory): void {
  const errors: ConfigError[] = [];
  for (const play of playbooks.flatMap((p) => p.plays)) {
    try {
      selectHosts(inventory, play.hosts, play.hostsAt);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}
