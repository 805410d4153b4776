import type { Connection } from '../connection/connection.js';
import { hostSettings } from '../inventory/host-settings.js';
import type { Task } from '../playbook/model.js';
import type { Vars } from '../util/data.js';
import type { RunState } from './run-state.js';
import type { VarsScope } from './variables.js';

/** Names Ansible treats as the controller when the inventory does not have them (C.LOCALHOST). */
const LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);

/** Where a delegated task runs for one host, and how to reach it. */
export interface Delegation {
  /** The host the task runs on (`delegate_to` rendered). */
  readonly host: string;
  /** Its ansible_host, when that differs from its name (Ansible shows `h1 -> w3(10.0.0.3)`). */
  readonly address: string | undefined;
  readonly connect: (playUser: string | undefined) => Promise<Connection>;
}

/**
 * `delegate_to` for one host: rendered with the host's variables; the delegated host's own
 * connection variables (ansible_host, ansible_user, …) say how to reach it, as
 * VariableManager._get_delegated_vars does. `localhost` not in the inventory is the controller
 * itself, through the local connection (Ansible's implicit localhost); another name not in the
 * inventory is reached by that name over SSH.
 */
export function delegationFor(task: Task, vars: Vars, state: RunState, scope: VarsScope): Delegation | undefined {
  const written = task.flow?.delegateTo;
  if (written === undefined) return undefined;
  const host = state.templar.renderString(written, vars, task.at, 'delegate_to').trim();
  if (host === '') throw new Error('delegate_to rendered to an empty host name');
  if (state.inventory.hosts.has(host)) {
    const delegated = state.variables.forTask(host, scope);
    const address = hostSettings(host, delegated).address;
    return { host, address: address !== host ? address : undefined, connect: (user) => state.pool.get(host, delegated, user) };
  }
  if (LOCALHOST.has(host)) return { host, address: undefined, connect: () => state.pool.local(host) };
  return { host, address: undefined, connect: (user) => state.pool.get(host, { inventory_hostname: host }, user) };
}
