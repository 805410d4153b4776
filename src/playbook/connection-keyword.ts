import { ConfigError, type SourcePosition } from '../errors.js';
import { CONNECTION_TYPES } from '../inventory/connection-vars.js';

/**
 * The `connection:` keyword of a play, block or task: `local`, or `ssh` (`smart` and `paramiko`
 * mean ssh). A host's `ansible_connection` still wins over it, as in Ansible (variables beat
 * keywords), and it wins over `-c`.
 */
export function readConnectionKeyword(raw: Record<string, unknown>, keyAt: (key: string) => SourcePosition): string | undefined {
  const value = raw['connection'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !CONNECTION_TYPES.includes(value)) {
    throw new ConfigError(`"connection" must be one of ${CONNECTION_TYPES.join(', ')}, got ${JSON.stringify(value)}`, keyAt('connection'));
  }
  return value;
}
