import type { Vars } from '../util/data.js';

/** Names ansible-core treats as the controller when the inventory does not have them (C.LOCALHOST). */
export const LOCALHOST_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The variables of Ansible's implicit localhost (InventoryData._create_implicit_localhost): a host
 * in no group (so not in groups.all nor ungrouped), reached through the local connection, that
 * still gets the `all` group's vars. Undefined for any other name.
 */
export function implicitLocalhostVars(name: string): Vars | undefined {
  return LOCALHOST_NAMES.has(name) ? { ansible_host: '127.0.0.1', ansible_connection: 'local' } : undefined;
}
