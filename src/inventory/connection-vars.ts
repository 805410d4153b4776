import { ConfigError, type SourcePosition } from '../errors.js';
import { hasNul } from '../util/path-check.js';
import { describeType, toBoolean, type Vars } from '../util/data.js';

/** What -c and ansible_connection may name: ssh (smart and paramiko are read as ssh) or local. */
export const CONNECTION_TYPES: readonly string[] = ['ssh', 'smart', 'paramiko', 'local'];

const PORTS = ['ansible_port', 'ansible_ssh_port'];
const BOOLEANS = ['ansible_become', 'ansible_sudo'];
/** Every variable host-settings.ts reads: the engine uses them as written, so a template would reach SSH verbatim. */
const CONNECTION_VARS = new Set([
  ...PORTS, ...BOOLEANS, 'ansible_connection', 'ansible_become_method',
  'ansible_host', 'ansible_ssh_host', 'ansible_user', 'ansible_ssh_user', 'ansible_password', 'ansible_ssh_pass',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_become_user', 'ansible_sudo_user',
  'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass',
]);

/**
 * Checks the connection variables among an inventory's variables where they are written, so a
 * bad port or connection type is an error with its position before any host is contacted
 * (ansible-playbook would fail on that host only, when it connects).
 */
export function checkConnectionVars(vars: Vars, at: (key: string) => SourcePosition | undefined): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!CONNECTION_VARS.has(key) || value === null || value === undefined) continue;
    const fail = (detail: string): never => {
      throw new ConfigError(`${key}: ${detail}`, at(key));
    };
    if (typeof value === 'string' && value.includes('{{')) fail('templated connection variables are not supported yet: write the value itself');
    if (typeof value === 'object') fail(`must be a single value, found ${describeType(value)}`);
    if (typeof value === 'string' && hasNul(value)) fail('contains a NUL byte');
    if (PORTS.includes(key)) checkPort(value, fail);
    if (BOOLEANS.includes(key) && toBoolean(value) === undefined) fail(`must be a boolean (yes/no, true/false), found ${describeType(value)}`);
    if (key === 'ansible_connection' && !CONNECTION_TYPES.includes(String(value))) fail(`connection type "${String(value)}" is not supported: use ssh or local`);
    if (key === 'ansible_become_method' && String(value) !== 'sudo') fail(`become method "${String(value)}" is not supported: only sudo`);
  }
}

function checkPort(value: unknown, fail: (detail: string) => never): void {
  const text = typeof value === 'string' ? value.trim() : value;
  const port = typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`must be a port number from 1 to 65535, found ${describeType(value)}`);
}
