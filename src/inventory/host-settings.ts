import type { Vars } from '../util/data.js';
import { toBoolean } from '../util/data.js';

/** How to reach one host, read from its variables (modern and legacy `ansible_ssh_*` names). */
export interface HostSettings {
  readonly address: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly connection: string;
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly becomeMethod: string | undefined;
  readonly becomePassword: string | undefined;
}

function pick(vars: Vars, ...names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return vars[n];
  return undefined;
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

export function hostSettings(name: string, vars: Vars): HostSettings {
  const port = Number(pick(vars, 'ansible_port', 'ansible_ssh_port') ?? 22);
  return {
    address: String(pick(vars, 'ansible_host', 'ansible_ssh_host') ?? name),
    port: Number.isInteger(port) && port > 0 ? port : 22,
    user: text(pick(vars, 'ansible_user', 'ansible_ssh_user')),
    password: text(pick(vars, 'ansible_password', 'ansible_ssh_pass')),
    privateKeyFile: text(pick(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file')),
    connection: String(pick(vars, 'ansible_connection') ?? 'ssh'),
    become: toBoolean(pick(vars, 'ansible_become', 'ansible_sudo')),
    becomeUser: text(pick(vars, 'ansible_become_user', 'ansible_sudo_user')),
    becomeMethod: text(pick(vars, 'ansible_become_method')),
    becomePassword: text(pick(vars, 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass')),
  };
}

/** The address a host was given explicitly, if any (a host without one is only a name). */
export function explicitAddress(vars: Vars): string | undefined {
  return text(pick(vars, 'ansible_host', 'ansible_ssh_host'));
}
